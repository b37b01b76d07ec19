/* ctl_store_db: what the store's files share internally: the main-thread connection and the
 * posting rows (the SQL helpers are in ctl_store_sql.h, included here). Not installed; only
 * control/ctl_store*.c include it.
 *
 * Threads: the connection returned by ctl_store_db() belongs to the main thread (see
 * ctl_store.c); the helpers work on whichever connection they are given. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "ctl_store.h"
#include "ctl_store_sql.h"

G_BEGIN_DECLS

/* The columns ctl_store_posting_from_row reads, in order. */
#define CTL_POSTING_COLUMNS                                                                        \
    "SELECT id, title, company, pay_min, pay_max, pay_unit, location, headcount, tags, "           \
    "requirements, talking_points, version, archived, employer_id, code FROM postings "

/* The note of sign-up s's current status (its newest history row), "" when none. */
#define CTL_SIGNUP_NOTE_SQL                                                                        \
    "coalesce((SELECT h.note FROM signup_status h WHERE h.signup_id = s.id"                        \
    " ORDER BY h.id DESC LIMIT 1), '')"

/* The main thread's read/write connection. (transfer none) */
sqlite3 *ctl_store_db(CtlStore *store);

/* Prepares a one-off statement on the main connection. NULL with error set on failure. */
sqlite3_stmt *ctl_store_prep(CtlStore *store, const char *sql, GError **error);
/* Postings were written: forget the decoded copies ctl_store_get_posting keeps. */
void ctl_store_postings_changed(CtlStore *store);
/* A code for a posting being created (exclude_id 0) or reopened (exclude_id its id; keep: the
 * code it had, NULL for none, kept when no other open posting holds it now): 4 digits, never
 * "0000", held by no open posting but exclude_id; one no posting ever held when there is one
 * (tried at random), else one only archived postings hold. Into out; FALSE with JC_ERROR_CONFLICT
 * when every code is held by an open posting, JC_ERROR_DB on a store failure
 * (ctl_store_codes.c). */
gboolean ctl_store_pick_code(CtlStore *store, gint64 exclude_id, const char *keep,
                             char out[CTL_POSTING_CODE_LEN + 1], GError **error);
/* The current row of a CTL_POSTING_COLUMNS statement. (transfer full) */
CtlPosting *ctl_store_posting_from_row(sqlite3_stmt *st);

G_END_DECLS
