/* ctl_sms: the SMS gateway that sends viewers their sign-up codes.
 *
 * jobcast does not talk to a carrier itself: the operator runs (or rents) a gateway that takes
 * POST URL with {"phone":"…","code":"…","purpose":"signup"} as JSON and the shared secret as a
 * bearer token, and answers any 2xx once the message is on its way. Each try waits at most
 * CTL_SMS_TIMEOUT_SECONDS; a failed try (no answer, a connection refused, a non-2xx status) is
 * repeated CTL_SMS_RETRIES times after a growing pause. The secret and the message never reach a
 * log line: a failure is logged with the gateway's host and the status only.
 *
 * Threads: main thread only; libsoup runs the requests on the thread-default main context. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CTL_SMS_TIMEOUT_SECONDS 5
#define CTL_SMS_RETRIES 2

typedef struct CtlSmsGateway CtlSmsGateway;

/* sent: TRUE when the gateway took the message (2xx), FALSE after every try failed. */
typedef void (*CtlSmsDone)(gboolean sent, gpointer data);

/* url: http or https; secret: the bearer token (copied; never logged). NULL with
 * JC_ERROR_INVALID when the URL is not one. (transfer full) */
CtlSmsGateway *ctl_sms_gateway_new(const char *url, const char *secret, GError **error);

/* Cancels what is in flight: their done callbacks are not called. NULL ok. */
void ctl_sms_gateway_free(CtlSmsGateway *g);

/* Sends code to phone (11 digits); done runs once, later, on the main thread, unless the
 * gateway is freed first. */
void ctl_sms_send(CtlSmsGateway *g, const char *phone, const char *code, CtlSmsDone done,
                  gpointer data);

/* Sends that gave up (every try failed) and that went through since start. */
guint64 ctl_sms_failed_total(const CtlSmsGateway *g);
guint64 ctl_sms_sent_total(const CtlSmsGateway *g);

G_END_DECLS
