/* ctl_postings: the postings.* methods and the validation of a posting's fields as producers
 * send them (see ctl_postings.c). Main thread only. */
#pragma once

#include <json-glib/json-glib.h>

#include "ctl_notify.h"
#include "ctl_rpc.h"
#include "ctl_store.h"
#include "ctl_studio.h"
#include "ctl_view.h"

G_BEGIN_DECLS

/* The postings methods' room: what they read and tell (all borrowed; the server owns it). */
typedef struct {
    CtlStore *store;
    const CtlView *view;
    const CtlNotifier *notify;
    CtlStudio *studio; /* told when a posting on air or cued changed */
} CtlPostingsRoom;

/* postings.*; their room is a CtlPostingsRoom. */
const CtlRpcMethod *ctl_postings_methods(gsize *n);

/* Reads a posting's fields from params over base (NULL: all required fields must be there),
 * validating each; on error JC_ERROR_INVALID whose message starts with the field name.
 * (transfer full) */
CtlPosting *ctl_posting_from_params(JsonObject *params, const CtlPosting *base, GError **error);

G_END_DECLS
