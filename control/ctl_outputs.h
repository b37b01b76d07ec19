/* ctl_outputs: the outputs.* methods and the stored list of outputs they change; what runs is
 * the streamer's, reached through CtlOutputFunc (main wires it).
 *
 * Main thread only. Owns nothing but the last state seen of each output (to tell producers when
 * one changes). Every answer and event carries URIs redacted (jc_uri_redact), and only producers
 * get them: the methods are producer-only, the events are "outputs."-prefixed (ctl_ws.c sends
 * those to producers alone). */
#pragma once

#include <json-glib/json-glib.h>

#include "ctl_hooks.h"
#include "ctl_notify.h"
#include "ctl_rpc.h"
#include "ctl_store.h"
#include "ctl_stream.h"

G_BEGIN_DECLS

typedef struct CtlOutputs CtlOutputs;

typedef struct {
    CtlStore *store;           /* borrowed: the stored list */
    CtlStream *stream;         /* borrowed: the streamer's last status (each output's state) */
    const CtlNotifier *notify; /* borrowed */
    CtlOutputFunc apply;       /* may be NULL (tests): nothing runs */
    gpointer apply_data;
} CtlOutputsConfig;

/* (transfer full) cfg is copied. */
CtlOutputs *ctl_outputs_new(const CtlOutputsConfig *cfg);
void ctl_outputs_free(CtlOutputs *o);

/* The start-up rule: each of the command line's outputs (names[i] = uris[i], both
 * NULL-terminated, checked already) is written into the store under its name: added enabled
 * when new, else its URI replaced and its enabled flag kept. Outputs only in the store (added on
 * air) stay. FALSE with error when the store fails. */
gboolean ctl_outputs_merge(CtlOutputs *o, const char *const *names, const char *const *uris,
                           GError **error);

/* What a program starting now runs: the enabled outputs in order, names and full URIs.
 * (transfer full) two NULL-terminated strvs; on a store failure both empty (logged). */
void ctl_outputs_enabled(CtlOutputs *o, char ***names, char ***uris);

/* The streamer's status changed (stream: its JSON, borrowed): producers hear of each output
 * whose state changed (outputs.changed). */
void ctl_outputs_stream_changed(CtlOutputs *o, JsonNode *stream);

/* outputs.list, .add, .update, .remove, .enable, .disable; their room is a CtlOutputs. */
const CtlRpcMethod *ctl_outputs_methods(gsize *n);

G_END_DECLS
