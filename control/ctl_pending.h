/* ctl_pending: one type for every answer that comes later: a sign-up waiting for the store
 * writer's COMMIT, a password being checked or hashed, a card preview being drawn on the
 * worker pool.
 *
 * Lifecycle. A pending is created with one reference, the work's (the store callback's or the
 * worker task's), dropped when the work has reported. It may be listed in two lists:
 *   - its owner's (the server's work in flight, borrowed links): ctl_pending_list_orphan()
 *     when the server goes marks it orphaned, so the answer no longer touches the server;
 *   - its waiter's (the connection that will get the answer), which holds a second reference:
 *     ctl_pending_list_detach() when the connection closes forgets the connection, so the
 *     answer is not sent to a freed one.
 * Whichever goes first, the other side finds out by ctl_pending_finish() returning no waiter,
 * and the payload is freed once, with the last reference (GLib's atomic rc box).
 *
 * Threads: lists, waiter and orphan state are main-thread only; a worker touches only the
 * payload (as its CtlPendingWork documents), and main reads what the worker wrote only in the
 * done callback, after GTask handed the result back. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct CtlPending CtlPending;

/* A list of pendings: zero-initialised is empty (it can live inside a zeroed session). */
typedef struct {
    GQueue items; /* borrowed CtlPending* (the links are inside them) */
} CtlPendingList;

/* The work, on a worker thread: reads and writes only the payload. */
typedef void (*CtlPendingWork)(gpointer data);
/* Main thread, after the work: answers (ctl_pending_finish gives the waiter, if any). The
 * work's reference is dropped after it returns. */
typedef void (*CtlPendingDone)(CtlPending *p, gpointer data);

/* A new pending carrying data (freed by free_data with the last reference, may be NULL),
 * holding the work's reference. (transfer full) */
CtlPending *ctl_pending_new(gpointer data, GDestroyNotify free_data);
CtlPending *ctl_pending_ref(CtlPending *p);
void ctl_pending_unref(CtlPending *p);

/* Lists p as work in flight of its owner (no reference). */
void ctl_pending_track(CtlPending *p, CtlPendingList *owner);
/* Lets waiter (borrowed, e.g. a connection) wait for p: lists it in waiters and takes a
 * reference until the answer is given or the waiter goes. */
void ctl_pending_wait(CtlPending *p, CtlPendingList *waiters, gpointer waiter);

/* The payload. (transfer none) */
gpointer ctl_pending_data(CtlPending *p);
/* The waiter, or NULL when there is none (any more). (transfer none) */
gpointer ctl_pending_waiter(CtlPending *p);
/* TRUE once its owner went (ctl_pending_list_orphan). */
gboolean ctl_pending_orphaned(CtlPending *p);

/* The answer is due: p leaves both lists and the waiter's reference is dropped. Returns the
 * waiter to answer, or NULL when it went away or the owner did. (transfer none) */
gpointer ctl_pending_finish(CtlPending *p);

/* Runs work on GLib's worker pool, then done on the thread-default main context; the work's
 * reference goes with the task. */
void ctl_pending_run(CtlPending *p, CtlPendingWork work, CtlPendingDone done);

/* The waiter went (a connection closed): every pending waiting in l forgets it. */
void ctl_pending_list_detach(CtlPendingList *l);
/* The owner goes: every pending tracked in l is orphaned and forgets its waiter. */
void ctl_pending_list_orphan(CtlPendingList *l);
guint ctl_pending_list_length(const CtlPendingList *l);

G_END_DECLS
