/* ctl_call: what a JSON-RPC method receives as user data: the room it works on and the
 * request's id (from the dispatcher), the caller's role, and where a reply that comes later
 * goes. Types only.
 *
 * Main thread only. */
#pragma once

#include "ctl_access.h"
#include "ctl_pending.h"
#include "ctl_rpc.h"

G_BEGIN_DECLS

/* Sends a later reply (text: transfer none) to the caller that is still waiting. */
typedef void (*CtlReplyFunc)(gpointer waiter, const char *text);

typedef struct {
    CtlRpcCurrent rpc;       /* room and id of the call in progress (set by ctl_rpc) */
    CtlRole role;            /* the caller's */
    const char *actor;       /* borrowed: who, for the as-aired log (an account's name,
                                "producer" for the producer token; NULL: by role) */
    CtlPendingList *waiting; /* borrowed: the caller's answers to come; NULL: none can come */
    gpointer waiter;         /* borrowed: the caller, as ctl_pending_wait takes it */
    CtlReplyFunc reply;      /* how a later reply reaches waiter */
} CtlCall;

G_END_DECLS
