/* ctl_signups: signups.list and privacy.* (see ctl_signups.c). Main thread only. */
#pragma once

#include "ctl_rpc.h"

G_BEGIN_DECLS

/* signups.list, privacy.forget, privacy.purge; their room is the CtlStore. */
const CtlRpcMethod *ctl_signups_methods(gsize *n);

G_END_DECLS
