/* ctl_stream: the streamer's last status as control keeps it: for state.get, for /metrics,
 * and broadcast as stream.status when it changed (at most once a second).
 *
 * Main thread only. Owns the status copy and the timer of a delayed broadcast. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_notify.h"

G_BEGIN_DECLS

typedef struct CtlStream CtlStream;

/* notify: borrowed, outlives the stream. (transfer full) */
CtlStream *ctl_stream_new(const CtlNotifier *notify);
void ctl_stream_free(CtlStream *s);

/* Keeps a copy of status (transfer none); broadcasts when it changed. */
void ctl_stream_set_status(CtlStream *s, JsonNode *status);
/* The last status, NULL before the first. (transfer none) */
JsonNode *ctl_stream_status(const CtlStream *s);

/* What a host may see of a message: a deep copy of node without any "uri" member (the
 * input's, each output's) and with every URL inside an error message ("error", "*_error": an
 * output's names its server) replaced by "(hidden)", at any depth; other strings (a posting's
 * public apply_url) stay. Hosts read; they never learn where the show comes from or goes to,
 * not even redacted. (transfer full) */
JsonNode *ctl_stream_without_uris(JsonNode *node);

G_END_DECLS
