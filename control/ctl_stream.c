/* ctl_stream: the streamer's status, kept and broadcast at most once a second (see
 * ctl_stream.h).
 *
 * Main thread only. Invariant: timer != 0 only while a changed status waits for its
 * broadcast. */
#include "ctl_stream.h"

#include "ctl_rpc.h"

struct CtlStream {
    const CtlNotifier *notify; /* borrowed */
    JsonNode *status;          /* owned, NULL until the streamer reported */
    gboolean dirty;            /* changed since the last stream.status broadcast */
    gint64 sent_us;            /* monotonic time of the last stream.status broadcast */
    guint timer;               /* GSource id of a pending delayed broadcast, else 0 */
};

CtlStream *ctl_stream_new(const CtlNotifier *notify)
{
    CtlStream *s = g_new0(CtlStream, 1);
    s->notify = notify;
    return s;
}

void ctl_stream_free(CtlStream *s)
{
    if (s == NULL)
        return;
    if (s->timer != 0)
        g_source_remove(s->timer);
    g_clear_pointer(&s->status, json_node_unref);
    g_free(s);
}

static void broadcast(CtlStream *s)
{
    s->dirty = FALSE;
    s->sent_us = g_get_monotonic_time();
    ctl_notify(s->notify, "stream.status", ctl_json_wrap("stream", json_node_copy(s->status)));
}

static gboolean timer_fired(gpointer data)
{
    CtlStream *s = data;
    s->timer = 0;
    if (s->dirty)
        broadcast(s);
    return G_SOURCE_REMOVE;
}

void ctl_stream_set_status(CtlStream *s, JsonNode *status)
{
    if (status == NULL)
        return;
    if (s->status != NULL && json_node_equal(s->status, status))
        return;
    g_clear_pointer(&s->status, json_node_unref);
    s->status = json_node_copy(status);
    s->dirty = TRUE;
    gint64 since = g_get_monotonic_time() - s->sent_us;
    if (since >= G_USEC_PER_SEC)
        broadcast(s);
    else if (s->timer == 0)
        s->timer = g_timeout_add((guint)((G_USEC_PER_SEC - since) / 1000) + 1, timer_fired, s);
}

JsonNode *ctl_stream_status(const CtlStream *s)
{
    return s->status;
}
