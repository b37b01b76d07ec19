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

G_BEGIN_DECLS

typedef struct CtlStore CtlStore;

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
} CtlPosting;

void ctl_posting_free(CtlPosting *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtlPosting, ctl_posting_free)

/* A sign-up to store. Strings are borrowed for the duration of the call (copied inside). */
typedef struct {
    gint64 posting_id;
    const char *name;
    const char *phone; /* already normalised by the caller */
    gboolean consent;
    const char *client_addr; /* for rate limits and audit; may be NULL */
} CtlSignupRequest;

/* Called on the store's GMainContext once the sign-up is durable (or failed). signup_id is the
 * stored row's id. duplicate is TRUE when the same phone had already signed up for the same
 * posting: the first sign-up's id is returned and nothing new is written. error is borrowed. */
typedef void (*CtlSignupDone)(gint64 signup_id, gboolean duplicate, const GError *error,
                              gpointer user_data);

/* Opens (creating if missing) the database at path, applies the schema/migrations, starts the
 * writer thread. On error, NULL with error set (JC_ERROR_DB). */
CtlStore *ctl_store_open(const char *path, GError **error);

/* Drains pending sign-ups (their callbacks still run), stops the writer and closes. NULL ok. */
void ctl_store_close(CtlStore *store);

/* Inserts the postings of a JSON document {"postings": [...]} (the format of
 * data/postings.json) if the postings table is empty. *inserted gets the count (0 if it was
 * not empty). On a malformed document nothing is inserted and FALSE is returned. */
gboolean ctl_store_seed(CtlStore *store, const char *json, gsize len, guint *inserted,
                        GError **error);

/* All postings, ordered by id. (transfer full) GPtrArray of CtlPosting*, with free func. */
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

G_END_DECLS
