/* ctl_accounts: the accounts.* methods (add, rotate, revoke, set_password, list): who may
 * sign in besides the producer token (see ctl_accounts.c). Main thread only. */
#pragma once

#include "ctl_pending.h"
#include "ctl_rpc.h"
#include "ctl_store.h"
#include "ctl_ws.h"

G_BEGIN_DECLS

/* The accounts methods' room (fields borrowed; the server owns it). */
typedef struct {
    CtlStore *store;
    CtlPendingList *jobs; /* the server's password hashes in flight */
    CtlWs *ws;            /* signs an account out when its credentials change */
} CtlAccountsRoom;

/* accounts.*; their room is a CtlAccountsRoom. Revoking an account, rotating its token or
 * setting its password signs it out (ctl_ws_sign_out): its sessions end, its WebSockets close. */
const CtlRpcMethod *ctl_accounts_methods(gsize *n);

G_END_DECLS
