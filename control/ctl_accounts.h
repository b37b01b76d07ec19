/* ctl_accounts: the accounts.* methods (add, rotate, revoke, set_password, list): who may
 * sign in besides the producer token (see ctl_accounts.c). Main thread only. */
#pragma once

#include "ctl_pending.h"
#include "ctl_rpc.h"
#include "ctl_store.h"

G_BEGIN_DECLS

/* The accounts methods' room (fields borrowed; the server owns it). */
typedef struct {
    CtlStore *store;
    CtlPendingList *jobs; /* the server's password hashes in flight */
} CtlAccountsRoom;

/* accounts.*; their room is a CtlAccountsRoom. */
const CtlRpcMethod *ctl_accounts_methods(gsize *n);

G_END_DECLS
