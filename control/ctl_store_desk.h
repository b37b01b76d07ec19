/* ctl_store_desk: the back office in the store: sign-ups' follow-up statuses and their history,
 * employers' desk links, postings an employer closed, and the counts the funnel and the filled
 * rule read.
 *
 * Main thread only, on the store's main connection. The schema (ctl_store_migrate.c, step 12)
 * keeps signups.status equal to the newest history row and deletes a sign-up's history with it.
 * Not responsible for checking statuses, notes or tokens (ctl_desk.c) nor for telling anyone. */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

/* A status name is one of these. */
gboolean ctl_signup_status_valid(const char *status);

/* Appends status (with note, may be "", and actor) to sign-up signup_id's history, which makes
 * it its current status. employer_id > 0: only a sign-up for one of that employer's postings
 * (another's is JC_ERROR_NOT_FOUND, like a missing one). *posting_id gets its posting. */
gboolean ctl_store_set_signup_status(CtlStore *store, gint64 signup_id, gint64 employer_id,
                                     const char *status, const char *note, const char *actor,
                                     gint64 *posting_id, GError **error);

/* One history row of a sign-up's status. */
typedef struct {
    gint64 id;
    char *status; /* owned */
    char *note;   /* owned */
    char *actor;  /* owned */
    char *set_at; /* owned, UTC ISO-8601 */
} CtlStatusRow;

void ctl_status_row_free(CtlStatusRow *row);

/* Sign-up signup_id's history, oldest first (empty: still received as made). (transfer full)
 * GPtrArray of CtlStatusRow*. */
GPtrArray *ctl_store_signup_history(CtlStore *store, gint64 signup_id, GError **error);

/* Sign-ups for employer_id's postings across shows, newest first, filtered by posting (0 any)
 * and status (NULL any), at most limit. (transfer full) GPtrArray of CtlSignupRow*. */
GPtrArray *ctl_store_desk_signups(CtlStore *store, gint64 employer_id, gint64 posting_id,
                                  const char *status, guint limit, GError **error);

/* What a viewer's status page shows of the sign-up made with withdraw hash (NULL fields when
 * none matches: a duplicate's, a withdrawn or a made-up one). */
typedef struct {
    char *status;         /* owned */
    char *title;          /* owned: the posting's */
    char *employer;       /* owned: its employer's name */
    char *contact_person; /* owned */
    char *contact_phone;  /* owned */
} CtlViewerStatus;

void ctl_viewer_status_clear(CtlViewerStatus *v);
/* TRUE with *out filled, or with out->status NULL when nothing matched; FALSE with error only
 * when the database failed. */
gboolean ctl_store_viewer_status(CtlStore *store, const char *withdraw_hash, CtlViewerStatus *out,
                                 GError **error);

/* Hires of posting_id (sign-ups whose status is hired) and whether its employer closed it. */
gboolean ctl_store_posting_hires(CtlStore *store, gint64 posting_id, gint64 *hires,
                                 gboolean *closed, gboolean *show_hires, GError **error);
/* Marks posting_id closed by its employer employer_id (another's is JC_ERROR_NOT_FOUND). */
gboolean ctl_store_close_posting(CtlStore *store, gint64 employer_id, gint64 posting_id,
                                 GError **error);
/* Whether posting_id's card shows its hires; JC_ERROR_NOT_FOUND without such a posting. */
gboolean ctl_store_set_show_hires(CtlStore *store, gint64 posting_id, gboolean on, GError **error);

/* The status part of one posting's funnel in a show (or every show): sign-ups that ever
 * reached contacted (or a later stage), interviewed (or hired), and those hired now. */
typedef struct {
    gint64 posting_id;
    gint64 signups;
    gint64 contacted;
    gint64 interviewed;
    gint64 hired;
} CtlStatusFunnelRow;

/* Per posting with sign-ups, by posting id; show_id < 0: every show. (transfer full) GArray
 * of CtlStatusFunnelRow. */
GArray *ctl_store_status_funnel(CtlStore *store, gint64 show_id, GError **error);

/* ---- employers' desk links ---- */

typedef struct {
    gint64 id;
    gint64 employer_id;
    char *created_at;   /* owned */
    char *expires_at;   /* owned */
    char *revoked_at;   /* owned, NULL when not revoked */
    char *last_used_at; /* owned, NULL when never used */
    gint64 uses;
    gboolean active; /* neither revoked nor expired */
} CtlLinkRow;

void ctl_link_row_free(CtlLinkRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtlLinkRow, ctl_link_row_free)

/* A link of employer_id (JC_ERROR_NOT_FOUND without one) kept as token_hash, valid for days:
 * its id, or 0 with error. */
gint64 ctl_store_add_link(CtlStore *store, gint64 employer_id, const char *token_hash, guint days,
                          GError **error);
/* employer_id's links (0: every employer's), newest first. (transfer full) GPtrArray of
 * CtlLinkRow*. */
GPtrArray *ctl_store_list_links(CtlStore *store, gint64 employer_id, GError **error);
/* One link, or NULL with JC_ERROR_NOT_FOUND. (transfer full) */
CtlLinkRow *ctl_store_get_link(CtlStore *store, gint64 link_id, GError **error);
/* Revokes link_id now (a revoked one stays revoked); JC_ERROR_NOT_FOUND without it. */
gboolean ctl_store_revoke_link(CtlStore *store, gint64 link_id, GError **error);
/* Link link_id expires days from now; a revoked one is JC_ERROR_CONFLICT. */
gboolean ctl_store_renew_link(CtlStore *store, gint64 link_id, guint days, GError **error);
/* The active link kept as token_hash: counts the use and returns TRUE with its ids, or TRUE with
 * both 0 when none is active (unknown, revoked, expired); FALSE only on a database error. */
gboolean ctl_store_use_link(CtlStore *store, const char *token_hash, gint64 *link_id,
                            gint64 *employer_id, GError **error);

G_END_DECLS
