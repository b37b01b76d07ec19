/* Tests of ctl_pending, the one answer-later type: an answer reaches the waiter that is still
 * there, and neither a waiter that went (a closed connection) nor an owner that went (a freed
 * server) is touched afterwards; the payload is freed exactly once, whichever side goes first.
 * Run under ASan in the sanitised build: a use after free or a leak fails there. */
#include <glib.h>

#include "ctl_pending.h"
#include "ctl_test.h"

typedef struct {
    int frees;        /* how many times the payload was freed */
    gboolean worked;  /* the worker ran */
    gboolean done;    /* the done callback ran */
    gpointer replied; /* the waiter the done callback answered, NULL when none */
    guint sleep_ms;   /* how long the worker takes */
} Probe;

static void probe_free(gpointer data)
{
    Probe *p = data;
    p->frees++;
}

static void test_answer_reaches_waiter(void)
{
    Probe probe = {0};
    CtlPendingList owner = {G_QUEUE_INIT};
    CtlPendingList waiters = {G_QUEUE_INIT};
    int connection = 0;
    CtlPending *p = ctl_pending_new(&probe, probe_free);
    ctl_pending_track(p, &owner);
    ctl_pending_wait(p, &waiters, &connection);
    g_assert_cmpuint(ctl_pending_list_length(&owner), ==, 1);
    g_assert_cmpuint(ctl_pending_list_length(&waiters), ==, 1);
    g_assert_true(ctl_pending_waiter(p) == &connection);
    g_assert_true(ctl_pending_finish(p) == &connection);
    g_assert_cmpuint(ctl_pending_list_length(&owner), ==, 0);
    g_assert_cmpuint(ctl_pending_list_length(&waiters), ==, 0);
    g_assert_cmpint(probe.frees, ==, 0); /* the work's reference is still held */
    ctl_pending_unref(p);
    g_assert_cmpint(probe.frees, ==, 1);
}

static void test_waiter_gone_first(void)
{
    Probe probe = {0};
    CtlPendingList owner = {G_QUEUE_INIT};
    CtlPendingList waiters = {G_QUEUE_INIT};
    int connection = 0;
    CtlPending *p = ctl_pending_new(&probe, probe_free);
    ctl_pending_track(p, &owner);
    ctl_pending_wait(p, &waiters, &connection);
    ctl_pending_list_detach(&waiters); /* the connection closed */
    g_assert_null(ctl_pending_waiter(p));
    g_assert_false(ctl_pending_orphaned(p));
    g_assert_cmpint(probe.frees, ==, 0);
    g_assert_null(ctl_pending_finish(p)); /* nobody to answer */
    g_assert_cmpuint(ctl_pending_list_length(&owner), ==, 0);
    ctl_pending_unref(p);
    g_assert_cmpint(probe.frees, ==, 1);
}

static void test_owner_gone_first(void)
{
    Probe probe = {0};
    CtlPendingList owner = {G_QUEUE_INIT};
    CtlPendingList waiters = {G_QUEUE_INIT};
    int connection = 0;
    CtlPending *p = ctl_pending_new(&probe, probe_free);
    ctl_pending_track(p, &owner);
    ctl_pending_wait(p, &waiters, &connection);
    ctl_pending_list_orphan(&owner); /* the server is being freed */
    g_assert_true(ctl_pending_orphaned(p));
    g_assert_cmpuint(ctl_pending_list_length(&waiters), ==, 0); /* the waiter was let go */
    g_assert_null(ctl_pending_finish(p));
    ctl_pending_list_detach(&waiters); /* the connection closes later: nothing left to do */
    ctl_pending_unref(p);
    g_assert_cmpint(probe.frees, ==, 1);
}

static void worker(gpointer data)
{
    Probe *probe = data;
    g_usleep(probe->sleep_ms * 1000);
    probe->worked = TRUE;
}

static void done(CtlPending *p, gpointer data)
{
    Probe *probe = data;
    g_assert_true(probe->worked);
    probe->replied = ctl_pending_finish(p);
    probe->done = TRUE;
}

/* The worker finishes after the connection closed: the answer goes nowhere, nothing leaks. */
static void test_reply_after_close(void)
{
    Probe probe = {.sleep_ms = 50};
    CtlPendingList owner = {G_QUEUE_INIT};
    CtlPendingList waiters = {G_QUEUE_INIT};
    int connection = 0;
    CtlPending *p = ctl_pending_new(&probe, probe_free);
    ctl_pending_track(p, &owner);
    ctl_pending_wait(p, &waiters, &connection);
    ctl_pending_run(p, worker, done);
    ctl_pending_list_detach(&waiters);
    ctl_test_spin_until(&probe.done);
    g_assert_null(probe.replied);
    g_assert_cmpint(probe.frees, ==, 1); /* the task's reference went with it */
    g_assert_cmpuint(ctl_pending_list_length(&owner), ==, 0);
}

/* The worker finishes while the connection still waits: the answer reaches it. */
static void test_reply_from_worker(void)
{
    Probe probe = {.sleep_ms = 5};
    CtlPendingList owner = {G_QUEUE_INIT};
    CtlPendingList waiters = {G_QUEUE_INIT};
    int connection = 0;
    CtlPending *p = ctl_pending_new(&probe, probe_free);
    ctl_pending_track(p, &owner);
    ctl_pending_wait(p, &waiters, &connection);
    ctl_pending_run(p, worker, done);
    ctl_test_spin_until(&probe.done);
    g_assert_true(probe.replied == &connection);
    g_assert_cmpint(probe.frees, ==, 1);
    g_assert_cmpuint(ctl_pending_list_length(&waiters), ==, 0);
}

/* The server goes while the worker runs: the late answer touches neither side. */
static void test_reply_after_owner_freed(void)
{
    Probe probe = {.sleep_ms = 50};
    CtlPendingList owner = {G_QUEUE_INIT};
    CtlPendingList waiters = {G_QUEUE_INIT};
    int connection = 0;
    CtlPending *p = ctl_pending_new(&probe, probe_free);
    ctl_pending_track(p, &owner);
    ctl_pending_wait(p, &waiters, &connection);
    ctl_pending_run(p, worker, done);
    ctl_pending_list_orphan(&owner);
    ctl_test_spin_until(&probe.done);
    g_assert_null(probe.replied);
    g_assert_cmpint(probe.frees, ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/control/pending/answer-reaches-waiter", test_answer_reaches_waiter);
    g_test_add_func("/control/pending/waiter-gone-first", test_waiter_gone_first);
    g_test_add_func("/control/pending/owner-gone-first", test_owner_gone_first);
    g_test_add_func("/control/pending/reply-after-close", test_reply_after_close);
    g_test_add_func("/control/pending/reply-from-worker", test_reply_from_worker);
    g_test_add_func("/control/pending/reply-after-owner-freed", test_reply_after_owner_freed);
    return g_test_run();
}
