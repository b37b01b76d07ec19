/* ctl_state: what a page loads first and refreshes: state.get (everything at once),
 * signups.counts and stats.get (see ctl_state.c). Main thread only. */
#pragma once

#include "ctl_province.h"
#include "ctl_rpc.h"
#include "ctl_stats.h"
#include "ctl_stream.h"
#include "ctl_studio.h"
#include "ctl_view.h"

G_BEGIN_DECLS

/* The state methods' room (fields borrowed; the server owns it). */
typedef struct {
    const CtlView *view;
    CtlStudio *studio;
    CtlStats *stats;
    CtlStream *stream;
    CtlProvince *province; /* NULL without the province link */
} CtlStateRoom;

/* state.get, signups.counts, stats.get; their room is a CtlStateRoom. */
const CtlRpcMethod *ctl_state_methods(gsize *n);

G_END_DECLS
