/* ctl_asaired: the as-aired log as the producer reads it and as the studio and the stream write
 * it: appending an event about what is on air (take, clear, slate on/off, program off air and
 * back, output up/down), noticing the stream's changes, asaired.list, and the filters the list
 * and the CSV export (ctl_csv.c, ctl_export.c) share.
 *
 * Main thread only. Calls nothing above it (the studio passes what is on air). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_rpc.h"
#include "ctl_store.h"
#include "ctl_view.h"

G_BEGIN_DECLS

/* Appends event about p (may be NULL: nothing on air) in show_id, by actor, with detail (may be
 * NULL). p's fields are saved as view shows them. A failure is logged, never the caller's. */
void ctl_asaired_log(CtlStore *store, const CtlView *view, gint64 show_id, const char *event,
                     const CtlPosting *p, const char *actor, const char *detail);

/* What the stream was, to notice the program going off air and back and outputs going up and
 * down. */
typedef struct CtlAsAiredWatch CtlAsAiredWatch;

/* (transfer full) */
CtlAsAiredWatch *ctl_asaired_watch_new(CtlStore *store, const CtlView *view);
void ctl_asaired_watch_free(CtlAsAiredWatch *w);
/* A new stream status (stream.status's object): logs what changed since the last one, with
 * show_id and on_air (may be NULL) as they are now. */
void ctl_asaired_watch_stream(CtlAsAiredWatch *w, JsonNode *status, gint64 show_id,
                              const CtlPosting *on_air);

/* The filters of asaired.list and GET /api/asaired.csv. day is YYYY-MM-DD in tz (NULL: any
 * day); show_id 0 any; posting_id 0 any. Fills q (whose from/to point into *from and *to, owned by
 * the caller). FALSE with JC_ERROR_INVALID naming the filter. */
gboolean ctl_asaired_query(gint64 show_id, const char *day, gint64 posting_id, GTimeZone *tz,
                           CtlAsAiredQuery *q, char **from, char **to, GError **error);

/* The room of asaired.list. */
typedef struct {
    CtlStore *store; /* borrowed */
    GTimeZone *tz;   /* borrowed: what a day is */
} CtlAsAiredRoom;

/* asaired.list (producers only). */
const CtlRpcMethod *ctl_asaired_methods(gsize *n);

G_END_DECLS
