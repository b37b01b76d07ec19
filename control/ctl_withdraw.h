/* ctl_withdraw: a viewer withdrawing their own sign-up: the withdraw code handed out with each
 * submission, and the pages GET /a/withdraw (enter or confirm a code) and POST /a/withdraw
 * (delete). See ctl_withdraw.c. Main thread only. */
#pragma once

#include "ctl_access.h"
#include "ctl_notify.h"
#include "ctl_session.h"
#include "ctl_store.h"
#include "ctl_studio.h"

G_BEGIN_DECLS

/* Characters of a withdraw code (Crockford base32: no I, L, O, U). */
#define CTL_WITHDRAW_CODE_LEN 12
/* Withdrawals tried per client address per minute (right or wrong codes alike). */
#define CTL_WITHDRAW_RATE_DEFAULT 10

typedef struct CtlWithdrawDesk CtlWithdrawDesk;

/* Everything borrowed outlives the desk. per_minute: 0 = CTL_WITHDRAW_RATE_DEFAULT.
 * (transfer full) */
CtlWithdrawDesk *ctl_withdraw_desk_new(CtlStore *store, CtlAccess *access, CtlStudio *studio,
                                       const CtlNotifier *notify, guint per_minute);
void ctl_withdraw_desk_free(CtlWithdrawDesk *d);

/* A fresh random withdraw code (60 bits from libsodium, CTL_WITHDRAW_CODE_LEN characters) and
 * in *hash what the store keeps of it (transfer full both). */
char *ctl_withdraw_code_new(char **hash);

/* What a viewer typed ("abcd-efgh-jk01", spaces, lower case, I/L for 1, O for 0) as a code, or
 * NULL when it cannot be one. (transfer full) */
char *ctl_withdraw_code_normalise(const char *typed);

/* The hash the store keeps of a (normalised) code. (transfer full) */
char *ctl_withdraw_code_hash(const char *code);

/* "ABCD-EFGH-JK01": the code grouped for reading aloud and writing down. (transfer full) */
char *ctl_withdraw_code_display(const char *code);

/* GET /a/withdraw (?t=CODE: the confirm page; without: a form to type the code). */
void ctl_withdraw_get(CtlWithdrawDesk *d, CtlSession *s);
/* POST /a/withdraw (form: t=CODE). */
void ctl_withdraw_post(CtlWithdrawDesk *d, CtlSession *s);

G_END_DECLS
