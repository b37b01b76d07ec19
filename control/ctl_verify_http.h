/* ctl_verify_http: the viewer's side of SMS codes: the code page after a sign-up, POST
 * /api/apply/verify and POST /api/apply/resend (docs/protocol.md, "SMS codes").
 *
 * Main thread only. The apply desk (ctl_apply_http.c) parses and checks the sign-up and the
 * request (body type, per-address rate) and hands over here; a right code hands the sign-up back
 * through CtlVerifiedFunc to be stored like any other. */
#pragma once

#include "ctl_apply.h"
#include "ctl_privacy.h"
#include "ctl_session.h"
#include "ctl_store.h"
#include "ctl_verify.h"

G_BEGIN_DECLS

typedef struct CtlVerifyHttp CtlVerifyHttp;

/* The code was right: store held (transfer full) and answer s as a sign-up. */
typedef void (*CtlVerifiedFunc)(CtlSession *s, CtlHeldSignup *held, gboolean json,
                                const char *client, gpointer data);

/* desk (transfer full); the rest borrowed and outliving it. (transfer full) */
CtlVerifyHttp *ctl_verify_http_new(CtlVerifyDesk *desk, CtlStore *store, CtlPrivacy *privacy,
                                   CtlVerifiedFunc verified, gpointer verified_data);
/* Answers nobody any more (waiting connections are dropped by the server). NULL ok. */
void ctl_verify_http_free(CtlVerifyHttp *v);

/* A valid sign-up (held, transfer full) from client: sends its code; s waits for the gateway and
 * then gets the code page (202), or a clear "try again". */
void ctl_verify_http_begin(CtlVerifyHttp *v, CtlSession *s, CtlHeldSignup *held, gboolean json,
                           const char *client);

/* POST /api/apply/verify and /api/apply/resend, body already received and checked. */
void ctl_verify_http_code(CtlVerifyHttp *v, CtlSession *s, gboolean json, const char *client);
void ctl_verify_http_resend(CtlVerifyHttp *v, CtlSession *s, gboolean json, const char *client);

/* Sign-ups waiting for the gateway's answer (the connections that wait). */
guint ctl_verify_http_waiting(const CtlVerifyHttp *v);

void ctl_verify_http_metrics(CtlVerifyHttp *v, GString *out);

G_END_DECLS
