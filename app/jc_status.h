/* jc_status: the streamer's status snapshot as the JSON that control publishes (state.get
 * "stream", the stream.status notification, /metrics). Main thread; pure conversion. */
#pragma once

#include <json-glib/json-glib.h>

#include "str_pipeline.h"

G_BEGIN_DECLS

/* (transfer full) Field names are documented in docs/protocol.md ("The stream object"). */
JsonNode *jc_status_to_json(const StrStatus *s);

G_END_DECLS
