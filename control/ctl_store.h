/* ctl_store: jobcast's SQLite database: postings, sign-ups and the state that survives a restart.
 *
 * Threads: reads and the small writes below run on the caller's thread (the main thread) on a
 * read/write connection in WAL mode. Sign-ups go through a dedicated writer thread that owns its
 * own connection and commits concurrent sign-ups in one transaction (group commit); it reports
 * each result back on the GMainContext that was thread-default when the store was opened, and
 * only after the transaction is durable (synchronous=FULL). Not responsible for validation of
 * network input (control's HTTP layer does that) beyond the constraints in the schema. */
#pragma once

#include <glib.h>

#include "ctl_posting.h"      /* CtlPosting */
#include "ctl_store_writer.h" /* CtlSignupRequest, CtlSignupDone, CtlStoreBatchFunc */

G_BEGIN_DECLS

typedef struct CtlStore CtlStore;

/* Opens (creating if missing) the database at path, applies the schema/migrations, starts the
 * writer thread. On error, NULL with error set (JC_ERROR_DB). */
CtlStore *ctl_store_open(const char *path, GError **error);

/* Drains pending sign-ups (their callbacks still run), stops the writer and closes. NULL ok. */
void ctl_store_close(CtlStore *store);

/* All postings that are not archived, ordered by id. (transfer full) GPtrArray of CtlPosting*, with
 * free func. */
GPtrArray *ctl_store_list_postings(CtlStore *store, GError **error);

/* One posting; NULL with JC_ERROR_NOT_FOUND if there is none with that id. (transfer full) */
CtlPosting *ctl_store_get_posting(CtlStore *store, gint64 id, GError **error);

/* Queues a sign-up for the writer thread. done runs later on the store's context, always
 * exactly once (also when the store is closed before the commit: then with an error). */
void ctl_store_add_signup(CtlStore *store, const CtlSignupRequest *req, CtlSignupDone done,
                          gpointer user_data);

/* Number of sign-ups for a posting (committed ones). -1 with error set on failure. */
gint64 ctl_store_count_signups(CtlStore *store, gint64 posting_id, GError **error);

/* Small key/value state that survives a restart (e.g. "on_air_posting"). get returns NULL
 * (no error) when the key is unset. (transfer full) */
char *ctl_store_get_state(CtlStore *store, const char *key, GError **error);
gboolean ctl_store_set_state(CtlStore *store, const char *key, const char *value, GError **error);

/* Added for tests and diagnostics: the number of sign-up transactions the writer thread has
 * committed so far (each may hold many sign-ups: group commit). Any thread. */
guint64 ctl_store_commit_count(CtlStore *store);

/* The province has every outbox row up to seq: recorded, and those rows deleted, by the writer
 * (ctl_store_writer_mark_shipped). Any thread (the province's sync worker). */
void ctl_store_mark_shipped(CtlStore *store, gint64 seq);

/* The database file's path, as opened. (transfer none) Any thread while the store is open. */
const char *ctl_store_path(CtlStore *store);

/* Sign-ups per transaction at most (0 = no limit, the default: group commit). 1 commits each
 * sign-up on its own, for the commit-each benchmark baseline. Any thread. */
void ctl_store_set_batch_max(CtlStore *store, guint max);

/* Tells fn (on the store's context, main thread) once per committed sign-up transaction, after
 * its sign-ups' done() callbacks (see CtlStoreBatchFunc); fn NULL stops. Main thread. */
void ctl_store_set_batch_func(CtlStore *store, CtlStoreBatchFunc fn, gpointer data);

/* The open posting whose code is code (CTL_POSTING_CODE_LEN ASCII digits). NULL with
 * JC_ERROR_NOT_FOUND when none holds it (archived postings hold none), JC_ERROR_DB on a store
 * failure (ctl_store_codes.c). (transfer full) */
CtlPosting *ctl_store_posting_by_code(CtlStore *store, const char *code, GError **error);

/* ---- postings (ctl_store_postings.c; main thread) ---- */

#define CTL_POSTING_CODE_LEN 4 /* digits of a posting's code (CtlPosting.code) */

/* Inserts p (id, version and code ignored: they are assigned; the code as ctl_store_pick_code
 * says). Returns the new id, or 0 with error (JC_ERROR_INVALID when the schema refuses a value;
 * JC_ERROR_CONFLICT when every code is held by an open posting). The caller validated the
 * fields. */
gint64 ctl_store_create_posting(CtlStore *store, const CtlPosting *p, GError **error);

/* Replaces every field of posting p->id if its stored version is still p->version; the stored
 * version becomes p->version + 1. JC_ERROR_CONFLICT when another update came first,
 * JC_ERROR_NOT_FOUND when there is no such posting. */
gboolean ctl_store_update_posting(CtlStore *store, const CtlPosting *p, GError **error);

/* Inserts the n postings (fields validated by the caller, ids and versions ignored) in one
 * transaction if the postings table is empty, else nothing; *inserted gets n or 0. The check
 * and the inserts are one transaction, so two seeders cannot both insert. On error nothing is
 * inserted. */
gboolean ctl_store_seed_postings(CtlStore *store, CtlPosting *const *postings, guint n,
                                 guint *inserted, GError **error);

/* Sets or clears the archived flag (version + 1). version < 0 skips the version check. An
 * archived posting's code may go to another posting; reopening one gives it a code again (its
 * old one when no open posting holds it now, see ctl_store_pick_code). */
gboolean ctl_store_archive_posting(CtlStore *store, gint64 id, gint64 version, gboolean archived,
                                   GError **error);

/* Postings whose title, company, location, tags or requirements contain query (case-insensitive
 * for ASCII; NULL or "" matches all), archived ones too when include_archived, ordered by id,
 * at most limit (0 = no limit). (transfer full) GPtrArray of CtlPosting*. */
GPtrArray *ctl_store_search_postings(CtlStore *store, const char *query, gboolean include_archived,
                                     guint limit, GError **error);

/* ---- shows, rundown, exports (ctl_store_shows.c), as-aired (ctl_store_asaired.c) ---- */

typedef struct {
    gint64 id;
    char *title;      /* owned */
    char *created_at; /* owned, UTC ISO-8601 */
    char *started_at; /* owned, NULL until started */
    char *ended_at;   /* owned, NULL until stopped */
} CtlShow;

void ctl_show_free(CtlShow *show);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtlShow, ctl_show_free)

/* A new show, not started. Returns its id or 0 with error. */
gint64 ctl_store_create_show(CtlStore *store, const char *title, GError **error);
/* (transfer full) or NULL with JC_ERROR_NOT_FOUND. */
CtlShow *ctl_store_get_show(CtlStore *store, gint64 id, GError **error);
/* The most recent shows first, at most limit. (transfer full) GPtrArray of CtlShow*. */
GPtrArray *ctl_store_list_shows(CtlStore *store, guint limit, GError **error);
/* Marks a show started (now) / ended (now). Starting an ended show is JC_ERROR_CONFLICT;
 * starting a started show or stopping a stopped one changes nothing. */
gboolean ctl_store_start_show(CtlStore *store, gint64 id, GError **error);
gboolean ctl_store_stop_show(CtlStore *store, gint64 id, GError **error);

/* The rundown of a show: posting ids in order. (transfer full) GArray of gint64. */
GArray *ctl_store_get_rundown(CtlStore *store, gint64 show_id, GError **error);
/* Replaces the rundown (one transaction). Unknown postings are JC_ERROR_NOT_FOUND, a posting
 * listed twice JC_ERROR_INVALID; on error nothing changes. */
gboolean ctl_store_set_rundown(CtlStore *store, gint64 show_id, const gint64 *posting_ids, guint n,
                               GError **error);

/* Appends a take to the as-aired log (append-only: the schema refuses updates and deletes).
 * fields_json is the posting as shown. */
gboolean ctl_store_log_take(CtlStore *store, gint64 show_id, const CtlPosting *p,
                            const char *fields_json, const char *actor, GError **error);
/* One entry of the as-aired log (ctl_store_asaired.c). Borrowed strings. */
typedef struct {
    const char *event;       /* take, clear, slate_on, slate_off, program_off, program_on,
                                output_up, output_down */
    gint64 show_id;          /* the current show, 0 = none */
    gint64 posting_id;       /* the posting on air (0 = none) */
    gint64 posting_version;  /* its version as shown (0 = none) */
    const char *fields_json; /* the posting as shown, a JSON object; NULL = "{}" */
    const char *actor;       /* who: an account, "producer", "rotation", "edit", "stream" */
    const char *detail;      /* more: an output's name and error; NULL = "" */
} CtlAsAiredEntry;

/* Appends e (append-only: the schema refuses updates and deletes). */
gboolean ctl_store_asaired_append(CtlStore *store, const CtlAsAiredEntry *e, GError **error);

/* An entry read back: the posting's title, company and pay text as they were shown. */
typedef struct {
    gint64 id;
    char *aired_at; /* owned, UTC ISO-8601 */
    char *event;    /* owned */
    gint64 show_id;
    gint64 posting_id;
    gint64 posting_version;
    char *title;    /* owned, "" without a posting */
    char *company;  /* owned */
    char *pay_text; /* owned */
    char *actor;    /* owned */
    char *detail;   /* owned */
} CtlAsAiredRow;

void ctl_asaired_row_free(CtlAsAiredRow *r);

/* Which entries: show (-1 any), posting (0 any), aired in [from, to) (UTC ISO-8601 as stored;
 * NULL: unbounded), id < before_id (0: from the newest), at most limit (0: all). */
typedef struct {
    gint64 show_id;
    gint64 posting_id;
    const char *from;
    const char *to;
    gint64 before_id;
    guint limit;
    gboolean oldest_first;
} CtlAsAiredQuery;

/* Newest first (oldest_first for an export). (transfer full) GPtrArray of CtlAsAiredRow*. */
GPtrArray *ctl_store_asaired_list(CtlStore *store, const CtlAsAiredQuery *q, GError **error);

/* Number of rows in the as-aired log (for tests and stats). */
gint64 ctl_store_count_as_aired(CtlStore *store, GError **error);

/* Records an export: who, which employer, which show (0 = all), how many rows. */
gboolean ctl_store_log_export(CtlStore *store, const char *actor, const char *employer,
                              gint64 show_id, gint64 rows, GError **error);

/* ---- reading sign-ups (ctl_store_shows.c; main thread) ---- */

typedef struct {
    gint64 id;
    gint64 posting_id;
    gint64 show_id;
    char *name;       /* owned */
    char *phone;      /* owned */
    char *created_at; /* owned, UTC ISO-8601 */
    char *consent_at; /* owned, NULL without consent */
    char *title;      /* owned: the posting's title */
    char *company;    /* owned: the posting's company */
    char *status;     /* owned: its follow-up status ("received" until one is set) */
    char *note;       /* owned: the note that came with it, "" when none */
} CtlSignupRow;

void ctl_signup_row_free(CtlSignupRow *row);

/* Sign-ups newest first, filtered by posting (0 = any), show (-1 = any) and company (NULL =
 * any), with id < before_id (0 = from the newest), at most limit. (transfer full) GPtrArray of
 * CtlSignupRow*. For an export pass oldest_first. */
GPtrArray *ctl_store_list_signups(CtlStore *store, gint64 posting_id, gint64 show_id,
                                  const char *company, gint64 before_id, guint limit,
                                  gboolean oldest_first, GError **error);

/* Sign-ups of one show (-1 = all shows) grouped by posting: a GArray of gint64 pairs
 * (posting_id, count). (transfer full) */
GArray *ctl_store_count_signups_by_posting(CtlStore *store, gint64 show_id, GError **error);

/* ---- stats (ctl_store_stats.c; main thread) ---- */

/* One posting's apply-page funnel: page opens and sign-ups handed to the store. */
typedef struct {
    gint64 posting_id;
    gint64 opens;
    gint64 submits;
} CtlFunnelRow;

/* Every posting's funnel. (transfer full) GArray of CtlFunnelRow. */
GArray *ctl_store_funnel_load(CtlStore *store, GError **error);
/* Adds the deltas (a GArray of CtlFunnelRow holding increments) in one transaction. */
gboolean ctl_store_funnel_add(CtlStore *store, GArray *deltas, GError **error);
/* Committed sign-ups per minute for the `minutes` minutes ending with the current one, oldest
 * first: counts[0..minutes-1]; *now_minute gets the current minute (minutes since the epoch). */
gboolean ctl_store_signups_per_minute(CtlStore *store, guint minutes, gint64 *counts,
                                      gint64 *now_minute, GError **error);

/* ---- personal data (ctl_store_shows.c; main thread) ---- */

/* Deletes every sign-up with this (normalised) phone number, on request of the person (PIPL).
 * Returns the number deleted, -1 with error. */
gint64 ctl_store_forget_phone(CtlStore *store, const char *phone, GError **error);
/* Deletes sign-ups older than days and shows that ended more than days ago (with their
 * rundowns). *shows gets the number of shows deleted. Returns sign-ups deleted, -1 with error. */
gint64 ctl_store_purge_older(CtlStore *store, guint days, gint64 *shows, GError **error);

/* ---- withdrawal and retention (ctl_store_privacy.c; main thread) ---- */

/* Deletes the sign-up whose withdraw_hash matches (the person who made it withdraws it). TRUE
 * with *signup_id and *posting_id the deleted row's, or both 0 when no sign-up matched (already
 * withdrawn, a duplicate's token, a guess); FALSE with error only when the database failed. */
gboolean ctl_store_withdraw(CtlStore *store, const char *withdraw_hash, gint64 *signup_id,
                            gint64 *posting_id, GError **error);
/* Deletes sign-ups made more than days ago (retention). Returns the number deleted, -1 with
 * error. */
gint64 ctl_store_purge_signups(CtlStore *store, guint days, GError **error);
/* Moves the WAL into the database file and empties it, so that deleted rows (overwritten there
 * by secure_delete) leave no older copy behind. Never waits: FALSE when the writer was busy
 * (the next scrub, or the next checkpoint, will do). */
gboolean ctl_store_scrub_wal(CtlStore *store);
/* Every sign-up stored. -1 with error. */
gint64 ctl_store_count_signups_all(CtlStore *store, GError **error);

/* ---- accounts (ctl_store_accounts.c; main thread, or a command-line tool's only thread) ----
 * Credentials are never stored in the clear: token_hash is ctl_auth_token_hash() of an API
 * token. role is "producer" or "host". */

typedef struct {
    gint64 id;
    char *name;        /* owned */
    char *role;        /* owned */
    char *created_at;  /* owned */
    char *revoked_at;  /* owned, NULL while active */
    gint64 generation; /* one up with every rotation, revocation and new password */
} CtlAccount;

void ctl_account_free(CtlAccount *a);

/* JC_ERROR_CONFLICT when the name is taken, JC_ERROR_INVALID for a bad role or name. */
gint64 ctl_store_account_add(CtlStore *store, const char *name, const char *role,
                             const char *token_hash, GError **error);
/* Rotating, revoking and setting a password each add one to the account's generation, from
 * whichever process: a server ends what was opened under an older one (ctl_signout.h). */
/* Replaces the token (and re-activates a revoked account). JC_ERROR_NOT_FOUND if unknown. */
gboolean ctl_store_account_rotate(CtlStore *store, const char *name, const char *token_hash,
                                  GError **error);
/* Revokes: its token stops working at once (sessions opened with it last until the server
 * ends them: at once when it made the change, else when it notices the new generation). */
gboolean ctl_store_account_revoke(CtlStore *store, const char *name, GError **error);
/* Sets (or with NULL clears) the password hash (ctl_auth_password_hash). */
gboolean ctl_store_account_set_password(CtlStore *store, const char *name,
                                        const char *password_hash, GError **error);
/* An active account by name with its password hash in *password_hash (transfer full, NULL when
 * it has none); NULL (no error) when there is no such active account. (transfer full) */
CtlAccount *ctl_store_account_by_name(CtlStore *store, const char *name, char **password_hash,
                                      GError **error);
/* The active account holding token_hash, or NULL (no error) when none. (transfer full) */
CtlAccount *ctl_store_account_by_token(CtlStore *store, const char *token_hash, GError **error);
/* (transfer full) GPtrArray of CtlAccount*, by name. */
GPtrArray *ctl_store_list_accounts(CtlStore *store, GError **error);
/* The main connection's PRAGMA data_version: it changes when another connection (another
 * process, or the store's writer thread) has committed since the last call; cheap (no read of
 * the database). -1 with error. */
gint64 ctl_store_data_version(CtlStore *store, GError **error);

G_END_DECLS
