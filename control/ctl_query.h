/* ctl_query: a request's query arguments, looked up by name whatever their order, number or
 * length. lws splits the query into one fragment per NAME=VALUE (already percent-decoded); this
 * reads those fragments, each into a buffer of its own size.
 *
 * Main thread only (reads the headers of the connection being served). */
#pragma once

#include <glib.h>
#include <libwebsockets.h>

G_BEGIN_DECLS

/* The value of the first argument called name (no '='), NULL when there is none; "" for
 * "name=" or a bare "name". (transfer full) */
char *ctl_query_arg(struct lws *wsi, const char *name);

G_END_DECLS
