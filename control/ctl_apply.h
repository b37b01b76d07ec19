/* ctl_apply: what a viewer's sign-up must look like: parsing the JSON and form bodies of
 * POST /api/apply, validating and normalising name and phone, and the viewer's HTML pages.
 *
 * Pure functions apart from reading page templates from the compiled-in resources; they run on
 * the caller's thread (the main thread). Not responsible for transport limits (ctl_http caps the
 * body) or for storing anything. */
#pragma once

#include <glib.h>

#include "ctl_sources.h"
#include "ctl_store.h"

G_BEGIN_DECLS

#define CTL_APPLY_NAME_MAX 40      /* characters, after trimming */
#define CTL_APPLY_QUESTION_MAX 120 /* characters of a viewer's question, after trimming */
#define CTL_APPLY_CODE_LEN 6       /* digits of an SMS sign-up code (ctl_verify.h) */

/* The version of the personal-data notice and consent text on the apply page (web/apply.html).
 * Every sign-up records the version it agreed to; a change of that text (what is collected,
 * what for, who gets it, how long it is kept) takes a new number. 1 was the text before versions
 * were recorded; 3 added, when sign-ups wait for an SMS code, that the phone number goes to the
 * SMS provider for that one message. */
#define CTL_CONSENT_VERSION 3

/* What the apply page's notice tells a viewer beyond the posting (PIPL): how long sign-ups are
 * kept and who runs the live room. Strings borrowed; NULL ones read "not given". */
typedef struct {
    guint keep_days; /* 0 = kept until withdrawn or deleted on request */
    const char *operator_name;
    const char *operator_contact;
    gboolean verify_phone; /* sign-ups wait for an SMS code: the page posts as a plain form */
} CtlApplyNotice;

/* A submitted sign-up as received, before validation. */
typedef struct {
    gint64 posting_id; /* 0 when absent or not a positive integer */
    char *name;        /* owned, as submitted, NULL when absent */
    char *phone;       /* owned, as submitted, NULL when absent */
    gboolean consent;
    char *ref;              /* owned: the page's show reference as submitted, NULL when absent */
    gint64 consent_version; /* the notice version the page showed; 0 when absent */
    CtlSource src;          /* where the viewer came from ("src"; absent or unknown: stream) */
} CtlApplyForm;

void ctl_apply_form_clear(CtlApplyForm *form);

/* Parses {"posting_id": int, "name": str, "phone": str, "consent": true, "ref": str (optional),
 * "consent_version": int (optional), "src": str (optional)}. On
 * failure FALSE with JC_ERROR_INVALID set and *field the offending member ("posting_id", "name",
 * "phone", "consent"), or NULL when the body is not a JSON object at all. */
gboolean ctl_apply_parse_json(const char *body, gsize len, CtlApplyForm *out, const char **field,
                              GError **error);

/* Parses application/x-www-form-urlencoded (posting_id, name, phone, consent=on, ref, src). Same
 * failure convention; a malformed body names no field. Values are kept even when one is invalid. */
gboolean ctl_apply_parse_form(const char *body, gsize len, CtlApplyForm *out, const char **field,
                              GError **error);

/* Checks every field of a parsed form, in the order posting_id, name, phone, consent (given, and
 * to the current CTL_CONSENT_VERSION when the form says which it showed). On success
 * *name and *phone get the normalised values (transfer full). On failure FALSE with
 * JC_ERROR_INVALID (a message a viewer can read) and *field naming the field. */
gboolean ctl_apply_validate(const CtlApplyForm *form, char **name, char **phone, const char **field,
                            GError **error);

/* Trims and checks a name: 1-40 characters, valid UTF-8, at least one letter; no control,
 * invisible (format, filler) or bidi override characters and no more than two combining marks
 * in a row. (transfer full) or NULL with JC_ERROR_INVALID (a message a viewer can read). */
char *ctl_apply_normalise_name(const char *raw, GError **error);

/* A viewer's question, by the same rules as a name but 1-120 characters. (transfer full) or
 * NULL with JC_ERROR_INVALID (a message a viewer can read). */
char *ctl_apply_normalise_question(const char *raw, GError **error);

/* Turns what a viewer typed into 11 ASCII digits: full-width digits become ASCII; spaces and
 * dashes go; a leading +86, 0086 or 86 goes; the rest must match 1[3-9]\d{9}.
 * (transfer full) or NULL with JC_ERROR_INVALID. */
char *ctl_apply_normalise_phone(const char *raw, GError **error);

/* "13812345678" -> "138****5678" for screens that need no full number. (transfer full) */
char *ctl_apply_mask_phone(const char *phone);

/* The apply page for a posting. form (may be NULL) refills the fields; bad_field/message (may
 * be NULL) put an error next to that field. (transfer full) HTML. */
char *ctl_apply_page(const CtlPosting *posting, const CtlApplyForm *form, const char *bad_field,
                     const char *message);

/* The same, with ref (may be NULL) for the page's hidden "ref" field ({{ref}}), which tells
 * which show was live when the page was opened, and the notice (NULL: defaults). (transfer full)
 * HTML. */
char *ctl_apply_page_ref(const CtlPosting *posting, const CtlApplyForm *form, const char *bad_field,
                         const char *message, const char *ref, const CtlApplyNotice *notice);

/* The apply page's questions part: the question box refilled (text), an error under it, a
 * note above it ("received"), and the FAQ (markup made by ctl_ask_http.c from escaped text);
 * and the page's Open Graph links (absolute: the page's own address and its image's) for
 * platforms that show a shared link with a picture. Every member may be NULL. Borrowed. */
typedef struct {
    const char *text;
    const char *error;
    const char *note;
    const char *faq_html;
    const char *og_url;
    const char *og_image;
} CtlApplyAsk;

/* ctl_apply_page_ref with the questions part (ask may be NULL: empty box, no FAQ). Both forms
 * carry form's source on (form NULL: stream) in a hidden "src". (transfer full) HTML. */
char *ctl_apply_page_ask(const CtlPosting *posting, const CtlApplyForm *form, const char *bad_field,
                         const char *message, const char *ref, const CtlApplyNotice *notice,
                         const CtlApplyAsk *ask);

/* The confirmation after a sign-up: the same page for a new and a duplicate one, so that it
 * tells nobody whether a phone had already applied. code (may be NULL: no withdraw block) is the
 * withdraw code from the page's address, shown with its link; status_hash (the code's one-way
 * hash, which reads the sign-up's status and never withdraws it) makes the status link.
 * (transfer full) */
char *ctl_apply_thanks_page(const CtlPosting *posting, const char *code, const char *status_hash);

/* The page for a closed (archived) posting: it takes no sign-ups; links to the open postings
 * (open: CtlPosting*, may be NULL or empty). (transfer full) HTML. */
char *ctl_apply_closed_page(const CtlPosting *posting, const GPtrArray *open);

/* The code a viewer typed for an SMS check, as submitted: {"verify_id": str, "code": str}
 * (JSON) or verify_id=…&code=… (form); posting_id (optional, forms carry it) says which apply
 * page to go back to. */
typedef struct {
    char *verify_id;   /* owned, NULL when absent */
    char *code;        /* owned, as typed, NULL when absent */
    gint64 posting_id; /* 0 when absent */
} CtlApplyCode;

void ctl_apply_code_clear(CtlApplyCode *c);

/* Parses either body into out (cleared first). FALSE with JC_ERROR_INVALID when the body is not
 * one; members may still be missing. */
gboolean ctl_apply_parse_code(const char *body, gsize len, gboolean json, CtlApplyCode *out,
                              GError **error);

/* What a viewer typed as a code, as CTL_VERIFY_CODE_LEN ASCII digits: full-width digits
 * become ASCII, spaces and dashes go. (transfer full) or NULL when it is not six digits. */
char *ctl_apply_normalise_code(const char *typed);

/* The same for len (1-16) digits: a posting's code (岗位码) typed at /j takes 4. (transfer full)
 * or NULL when typed is not len digits. */
char *ctl_apply_normalise_digits(const char *typed, gsize len);

/* The code page (/j): one big box for a posting's code, typed (may be NULL; what the viewer
 * typed, shown back escaped, at most 16 characters) and error (may be NULL) under it.
 * (transfer full) HTML. */
char *ctl_apply_code_page(const char *typed, const char *error);

/* The page asking for the SMS code of the held sign-up verify_id (to the phone shown masked);
 * error (may be NULL) next to the code, note (may be NULL) above the resend button.
 * (transfer full) HTML. */
char *ctl_apply_verify_page(const CtlPosting *posting, const char *verify_id,
                            const char *phone_masked, guint ttl_minutes, const char *error,
                            const char *note);

/* A small page with a heading and one paragraph (404, 401...). (transfer full) */
char *ctl_apply_message_page(const char *heading, const char *message);

/* Fills {{key}} placeholders in template with HTML-escaped values from vars (char* -> char*);
 * unknown keys become "". Pure. (transfer full) */
char *ctl_page_render(const char *template_text, GHashTable *vars);

G_END_DECLS
