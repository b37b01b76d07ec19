/* ctl_pending: the one answer-later type (see ctl_pending.h for the lifecycle).
 *
 * Invariants (main thread):
 *   1. p is in its owner's list iff owner_list != NULL; in a waiter list iff waiter_list !=
 *      NULL, and then it holds exactly one reference for the waiter.
 *   2. orphaned implies no waiter and no owner list. */
#include "ctl_pending.h"

#include <gio/gio.h>

struct CtlPending {
    gpointer data; /* owned through free_data */
    GDestroyNotify free_data;
    GList owner_link;            /* data = this pending */
    CtlPendingList *owner_list;  /* borrowed, NULL when not tracked */
    GList waiter_link;           /* data = this pending */
    CtlPendingList *waiter_list; /* borrowed, NULL when nobody waits */
    gpointer waiter;             /* borrowed */
    gboolean orphaned;
    CtlPendingWork work; /* for ctl_pending_run */
    CtlPendingDone done;
};

static void clear(gpointer mem)
{
    CtlPending *p = mem;
    g_assert(p->owner_list == NULL && p->waiter_list == NULL);
    if (p->free_data != NULL && p->data != NULL)
        p->free_data(p->data);
}

CtlPending *ctl_pending_new(gpointer data, GDestroyNotify free_data)
{
    CtlPending *p = g_atomic_rc_box_new0(CtlPending);
    p->data = data;
    p->free_data = free_data;
    p->owner_link.data = p;
    p->waiter_link.data = p;
    return p;
}

CtlPending *ctl_pending_ref(CtlPending *p)
{
    return g_atomic_rc_box_acquire(p);
}

void ctl_pending_unref(CtlPending *p)
{
    g_atomic_rc_box_release_full(p, clear);
}

void ctl_pending_track(CtlPending *p, CtlPendingList *owner)
{
    g_return_if_fail(p->owner_list == NULL && !p->orphaned);
    g_queue_push_tail_link(&owner->items, &p->owner_link);
    p->owner_list = owner;
}

void ctl_pending_wait(CtlPending *p, CtlPendingList *waiters, gpointer waiter)
{
    g_return_if_fail(p->waiter_list == NULL && !p->orphaned);
    g_queue_push_tail_link(&waiters->items, &p->waiter_link);
    p->waiter_list = waiters;
    p->waiter = waiter;
    ctl_pending_ref(p);
}

gpointer ctl_pending_data(CtlPending *p)
{
    return p->data;
}

gpointer ctl_pending_waiter(CtlPending *p)
{
    return p->waiter;
}

gboolean ctl_pending_orphaned(CtlPending *p)
{
    return p->orphaned;
}

static void untrack(CtlPending *p)
{
    if (p->owner_list == NULL)
        return;
    g_queue_unlink(&p->owner_list->items, &p->owner_link);
    p->owner_list = NULL;
}

/* Forgets the waiter and drops its reference (p may be freed). */
static void detach(CtlPending *p)
{
    if (p->waiter_list == NULL)
        return;
    g_queue_unlink(&p->waiter_list->items, &p->waiter_link);
    p->waiter_list = NULL;
    p->waiter = NULL;
    ctl_pending_unref(p);
}

gpointer ctl_pending_finish(CtlPending *p)
{
    gpointer waiter = p->orphaned ? NULL : p->waiter;
    untrack(p);
    /* The caller's reference (the work's) keeps p alive across the detach. */
    detach(p);
    return waiter;
}

static void task_work(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    CtlPending *p = data;
    p->work(p->data);
    g_task_return_boolean(task, TRUE);
}

static void task_done(GObject *source, GAsyncResult *res, gpointer data)
{
    CtlPending *p = data;
    p->done(p, p->data);
    ctl_pending_unref(p); /* the work's */
}

void ctl_pending_run(CtlPending *p, CtlPendingWork work, CtlPendingDone done)
{
    p->work = work;
    p->done = done;
    GTask *task = g_task_new(NULL, NULL, task_done, p);
    g_task_set_task_data(task, p, NULL);
    g_task_run_in_thread(task, task_work);
    g_object_unref(task);
}

void ctl_pending_list_detach(CtlPendingList *l)
{
    while (!g_queue_is_empty(&l->items))
        detach(g_queue_peek_head(&l->items));
}

void ctl_pending_list_orphan(CtlPendingList *l)
{
    while (!g_queue_is_empty(&l->items)) {
        CtlPending *p = g_queue_peek_head(&l->items);
        ctl_pending_ref(p);
        p->orphaned = TRUE;
        untrack(p);
        detach(p);
        ctl_pending_unref(p);
    }
}

guint ctl_pending_list_length(const CtlPendingList *l)
{
    return l->items.length;
}
