/* ctl_verify: sign-ups that wait for the viewer to prove the phone is theirs (an SMS code).
 *
 * With a gateway configured, a valid sign-up is not stored at once: it is held here, in memory
 * only, while a 6-digit code goes to the phone (ctl_sms.c). Typing the code hands the sign-up
 * back to be stored as any other; until then it is counted nowhere (not on screen, not in
 * exports, not toward "filled") and it is forgotten when the code expires, after
 * CTL_VERIFY_TRIES wrong codes, or when jobcast stops. A code is valid CTL_VERIFY_TTL_SECONDS;
 * another may be asked for after CTL_VERIFY_RESEND_SECONDS (it replaces the first).
 *
 * Sends cost money and can be abused to bother a stranger's phone, so each is limited: per
 * phone (CTL_VERIFY_SENDS_PER_PHONE an hour), per client address and in total (per minute).
 * The codes and the held data never reach a log line.
 *
 * Threads: main thread only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CTL_VERIFY_CODE_LEN 6
#define CTL_VERIFY_ID_LEN 32 /* hex of 128 random bits */
#define CTL_VERIFY_TRIES 5
#define CTL_VERIFY_TTL_SECONDS 600
#define CTL_VERIFY_RESEND_SECONDS 60
#define CTL_VERIFY_SENDS_PER_PHONE 5    /* an hour */
#define CTL_VERIFY_SENDS_PER_ADDRESS 30 /* a minute */
#define CTL_VERIFY_SENDS_TOTAL 600      /* a minute, all addresses together */
#define CTL_VERIFY_MAX_HELD 20000

/* A valid sign-up waiting for its code. */
typedef struct {
    gint64 posting_id;
    gint64 show_id; /* the show it will count for, decided when it was submitted */
    char *name;     /* normalised */
    char *phone;    /* normalised, 11 digits */
    char *ref;      /* the page's show reference as submitted, may be NULL */
    int src;        /* where the viewer came from: a CtlSource (ctl_sources.h) */
} CtlHeldSignup;

void ctl_held_signup_free(CtlHeldSignup *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtlHeldSignup, ctl_held_signup_free)

typedef struct {
    const char *gateway_url;    /* http(s) */
    const char *gateway_secret; /* the bearer token; copied, never logged */
    guint ttl_ms;               /* tests only: a code's life; 0 = CTL_VERIFY_TTL_SECONDS */
    guint resend_ms;            /* tests only: before another code; 0 = CTL_VERIFY_RESEND_SECONDS */
} CtlVerifyConfig;

typedef struct CtlVerifyDesk CtlVerifyDesk;

/* NULL with JC_ERROR_INVALID when the gateway URL is not an http(s) one. (transfer full) */
CtlVerifyDesk *ctl_verify_desk_new(const CtlVerifyConfig *cfg, GError **error);
/* Forgets every held sign-up; sends in flight are cancelled and their callers told
 * CTL_VERIFY_SEND_FAILED first. NULL ok. */
void ctl_verify_desk_free(CtlVerifyDesk *d);

typedef enum {
    CTL_VERIFY_SENT,        /* the gateway took the code */
    CTL_VERIFY_SEND_FAILED, /* the gateway did not (after its retries): nothing is held */
    CTL_VERIFY_LIMITED,     /* too many sends (phone, address, total) or too early to resend */
    CTL_VERIFY_BUSY,        /* too many sign-ups held: nothing is held */
    CTL_VERIFY_GONE,        /* resend: no such held sign-up (expired, used, never was) */
} CtlVerifySendResult;

/* verify_id: the held sign-up's id on SENT and on LIMITED for a resend, else NULL;
 * wait_seconds: with LIMITED, when to try again. */
typedef void (*CtlVerifySent)(CtlVerifySendResult result, const char *verify_id, guint wait_seconds,
                              gpointer data);

/* Holds held (transfer full) and sends it a code for client (the viewer's address). sent runs
 * exactly once: at once when limited or busy, else when the gateway answered. */
void ctl_verify_begin(CtlVerifyDesk *d, CtlHeldSignup *held, const char *client, CtlVerifySent sent,
                      gpointer data);

/* A new code for the held sign-up verify_id (the old one stops working). Same callback rule. */
void ctl_verify_resend(CtlVerifyDesk *d, const char *verify_id, const char *client,
                       CtlVerifySent sent, gpointer data);

typedef enum {
    CTL_CODE_RIGHT, /* *held is the sign-up (transfer full); it is no longer held */
    CTL_CODE_WRONG, /* *tries_left more tries */
    CTL_CODE_GONE,  /* unknown, expired, or that was the last try (now forgotten) */
} CtlVerifyCheck;

/* Checks code (6 ASCII digits, already normalised) against verify_id's current code. */
CtlVerifyCheck ctl_verify_check(CtlVerifyDesk *d, const char *verify_id, const char *code,
                                CtlHeldSignup **held, guint *tries_left);

/* The held sign-up verify_id (to draw its form again), NULL when gone. (transfer none) */
const CtlHeldSignup *ctl_verify_peek(CtlVerifyDesk *d, const char *verify_id);

/* Prometheus lines: jobcast_sms_sent_total, jobcast_sms_failed_total,
 * jobcast_sms_limited_total, jobcast_signups_unverified. */
void ctl_verify_metrics(CtlVerifyDesk *d, GString *out);

G_END_DECLS
