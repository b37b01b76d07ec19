/* jc_status: the streamer's status snapshot as the JSON that control publishes (state.get
 * "stream", the stream.status notification, /metrics). Main thread; pure conversion. */
#pragma once

#include <json-glib/json-glib.h>

#include "ovl_renderer.h"
#include "str_pipeline.h"

G_BEGIN_DECLS

/* (transfer full) Field names are documented in docs/protocol.md ("The stream object"). */
JsonNode *jc_status_to_json(const StrStatus *s);

/* Adds the overlay's figures to a status object as its member "overlay": {"takes":N,
 * "renders":N,"render_seconds":S,"render_buckets":[[LE,N],...]} with cumulative counts per
 * upper bound LE (seconds), as a Prometheus histogram counts. */
void jc_status_add_overlay(JsonNode *status, const OvlRenderStats *st);

G_END_DECLS
