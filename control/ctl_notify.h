/* ctl_notify: how a room tells the producers' pages that something changed, without knowing
 * who carries the message. The server installs one CtlNotifier (it broadcasts a JSON-RPC
 * notification on every open control WebSocket); rooms only hold a borrowed pointer to it, so
 * no room ever calls back up into the server or the transport.
 *
 * Main thread only. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
    /* Sends method with params (transfer full; the function unrefs it) to every listener. */
    void (*notify)(gpointer target, const char *method, JsonNode *params);
    /* TRUE when anyone listens (lets a room skip building a message nobody gets). */
    gboolean (*listening)(gpointer target);
    gpointer target; /* borrowed: the server's */
} CtlNotifier;

/* Tells every listener (params: transfer full). A NULL notifier drops the message. */
static inline void ctl_notify(const CtlNotifier *n, const char *method, JsonNode *params)
{
    if (n == NULL || n->notify == NULL) {
        json_node_unref(params);
        return;
    }
    n->notify(n->target, method, params);
}

/* TRUE when a notification would reach anyone. */
static inline gboolean ctl_notify_listening(const CtlNotifier *n)
{
    return n != NULL && n->listening != NULL && n->listening(n->target);
}

G_END_DECLS
