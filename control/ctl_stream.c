/* ctl_stream: the streamer's status, kept and broadcast at most once a second (see
 * ctl_stream.h).
 *
 * Main thread only. Invariant: timer != 0 only while a changed status waits for its
 * broadcast. */
#include "ctl_stream.h"

#include <string.h>

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

/* text with every word holding "://" replaced by "(hidden)". (transfer full) */
static char *hide_urls(const char *text)
{
    g_auto(GStrv) words = g_strsplit(text, " ", -1);
    for (char **w = words; *w != NULL; w++) {
        if (strstr(*w, "://") != NULL) {
            g_free(*w);
            *w = g_strdup("(hidden)");
        }
    }
    return g_strjoinv(" ", words);
}

/* A copy of an error message (n: a member named "error" or "*_error") with its URLs hidden.
 * (transfer full) */
static JsonNode *error_without_urls(JsonNode *n)
{
    if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING ||
        strstr(json_node_get_string(n), "://") == NULL)
        return json_node_copy(n);
    g_autofree char *hidden = hide_urls(json_node_get_string(n));
    JsonNode *out = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(out, hidden);
    return out;
}

JsonNode *ctl_stream_without_uris(JsonNode *node)
{
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *in = json_node_get_array(node);
        JsonArray *out = json_array_sized_new(json_array_get_length(in));
        for (guint i = 0; i < json_array_get_length(in); i++)
            json_array_add_element(out, ctl_stream_without_uris(json_array_get_element(in, i)));
        JsonNode *copy = json_node_init_array(json_node_alloc(), out);
        json_array_unref(out);
        return copy;
    }
    if (!JSON_NODE_HOLDS_OBJECT(node))
        return json_node_copy(node); /* a value: immutable once built */
    JsonObject *in = json_node_get_object(node);
    JsonObject *out = json_object_new();
    GList *members = json_object_get_members(in);
    for (GList *l = members; l != NULL; l = l->next) {
        const char *name = l->data;
        JsonNode *member = json_object_get_member(in, name);
        if (strcmp(name, "uri") == 0)
            continue;
        if (strcmp(name, "error") == 0 || g_str_has_suffix(name, "_error"))
            json_object_set_member(out, name, error_without_urls(member));
        else
            json_object_set_member(out, name, ctl_stream_without_uris(member));
    }
    g_list_free(members);
    JsonNode *copy = json_node_init_object(json_node_alloc(), out);
    json_object_unref(out);
    return copy;
}
