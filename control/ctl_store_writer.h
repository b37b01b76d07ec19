/* ctl_store_writer: the store's writer thread, which commits sign-ups in groups on its own
 * connection and hands each result back to a GMainContext after the COMMIT returned.
 *
 * Threads: ctl_store_writer_add, _commits, _set_batch_max and _mark_shipped may be called from
 * any thread;
 * the other functions on the thread that owns the GMainContext given to start (main). This is
 * the store's one thread crossing; ctl_store.c owns one writer and wraps these calls. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A sign-up to store. Strings are borrowed for the duration of the call (copied inside). */
typedef struct {
    gint64 posting_id;
    const char *name;
    const char *phone; /* already normalised by the caller */
    gboolean consent;
    const char *client_addr; /* for rate limits and audit; may be NULL */
    gint64 show_id;          /* the show the sign-up is attributed to; 0 = none */
    /* Appended; zero means the documented default. */
    gint64 consent_version;     /* the consent text agreed to; 0 = none recorded */
    const char *withdraw_hash;  /* hash of the token that withdraws it; NULL = none. Stored only
                                   when the sign-up is new: a duplicate's token acts on nothing */
    guint max_postings_per_day; /* a phone's distinct postings in 24 h at most; 0 = no limit */
} CtlSignupRequest;

/* Called on the store's GMainContext once the sign-up is durable (or failed). signup_id is the
 * stored row's id. duplicate is TRUE when the same phone had already signed up for the same
 * posting in the same show: the first sign-up's id is returned and nothing new is written. error is
 * borrowed; JC_ERROR_CONFLICT when the phone reached max_postings_per_day other postings. */
typedef void (*CtlSignupDone)(gint64 signup_id, gboolean duplicate, const GError *error,
                              gpointer user_data);

/* Called on the store's GMainContext once per committed transaction, right after the done()
 * callbacks of its n_signups sign-ups ran (n_signups >= 1): one place to react to a group of
 * sign-ups at once (e.g. redraw a counter) instead of once per sign-up. Not called for a
 * transaction that failed, nor from ctl_store_close. */
typedef void (*CtlStoreBatchFunc)(guint n_signups, gpointer data);

typedef struct CtlStoreWriter CtlStoreWriter;

/* Opens the writer's own connection to path (synchronous=FULL) and starts its thread; results
 * are delivered on context (a ref is taken). The schema must already be migrated. NULL with
 * JC_ERROR_DB on failure. */
CtlStoreWriter *ctl_store_writer_start(const char *path, GMainContext *context, GError **error);

/* Commits everything queued (its done() callbacks still run, here), stops the thread and frees
 * the writer. NULL ok. */
void ctl_store_writer_stop(CtlStoreWriter *w);

/* Queues a sign-up; done runs later on the writer's context, always exactly once (also when the
 * writer is stopping: then with an error). Any thread. */
void ctl_store_writer_add(CtlStoreWriter *w, const CtlSignupRequest *req, CtlSignupDone done,
                          gpointer user_data);

/* Transactions committed so far. Any thread. */
guint64 ctl_store_writer_commits(CtlStoreWriter *w);

/* Sign-ups per transaction at most (0 = no limit). Any thread. */
void ctl_store_writer_set_batch_max(CtlStoreWriter *w, guint max);

/* The province has every outbox row up to seq (ctl_store_outbox.h): the writer records it and
 * deletes those rows in its next transaction (one of its own when no sign-up is waiting). A
 * lower or equal seq than one asked before changes nothing. Any thread. */
void ctl_store_writer_mark_shipped(CtlStoreWriter *w, gint64 seq);

/* Sets (fn NULL: clears) the per-batch callback. Main thread. */
void ctl_store_writer_set_batch_func(CtlStoreWriter *w, CtlStoreBatchFunc fn, gpointer data);

G_END_DECLS
