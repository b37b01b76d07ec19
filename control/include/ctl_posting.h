/* ctl_posting: a job posting as control handles it, and the one validation of its fields, used
 * alike by the postings.create/update methods and by the seeding of sample postings.
 *
 * Pure functions on the caller's data; any thread. Not responsible for storing postings
 * (ctl_store_postings.c) or for the RPC layer around them (ctl_postings.c). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A posting row. Owned by whoever received it; free with ctl_posting_free(). */
typedef struct {
    gint64 id;
    char *title;   /* owned */
    char *company; /* owned */
    double pay_min;
    double pay_max;
    char *pay_unit; /* owned: "hour" | "day" | "month" | "piece" */
    char *location; /* owned */
    gint headcount;
    char **tags;          /* owned, NULL-terminated, never NULL */
    char *requirements;   /* owned, "" when none */
    char *talking_points; /* owned, "" when none */
    gint64 version;       /* 1 when created, +1 on every update or archive */
    gboolean archived;    /* archived postings are kept (sign-ups refer to them) but not listed */
    gint64 employer_id;   /* the employer record whose name company is (0: not stored yet) */
    char *code; /* owned: the code a viewer types (岗位码, 4 ASCII digits, never "0000"), unique
                   among open postings and given by the store; NULL before it is stored and
                   while archived */
} CtlPosting;

void ctl_posting_free(CtlPosting *p);
/* A deep copy. (transfer full) */
CtlPosting *ctl_posting_copy(const CtlPosting *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtlPosting, ctl_posting_free)

/* The posting params describes: every field checked (lengths, ranges, no control characters),
 * strings trimmed. With base (an update) absent members keep base's value; without it title,
 * company, pay_min, pay_max, pay_unit and headcount are required and the rest defaults to
 * empty. On a bad field, NULL with JC_ERROR_INVALID whose message starts with the field's name
 * ("pay_max: must be >= pay_min"). (transfer full) */
CtlPosting *ctl_posting_from_params(JsonObject *params, const CtlPosting *base, GError **error);

/* A string member of o into *out (replacing it), trimmed, min..max characters, no control
 * characters (line breaks and tabs allowed when multiline): the rule every posting text follows,
 * for records that hold such texts (an employer's name). Absent: *out kept. FALSE with
 * JC_ERROR_INVALID naming the member. */
gboolean ctl_posting_read_text(JsonObject *o, const char *name, glong min, glong max,
                               gboolean multiline, char **out, GError **error);

G_END_DECLS
