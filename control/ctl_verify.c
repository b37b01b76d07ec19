/* ctl_verify: sign-ups waiting for their SMS code (see ctl_verify.h).
 *
 * Each held sign-up is a Held in a table keyed by its random id. A Held whose code is being
 * sent stays in the table until the gateway answered (the gateway's callback needs it), even
 * when it is dropped meanwhile: dropping marks it dead, and the answer frees it. Expired ones
 * are swept every few seconds; a lookup never returns an expired or dead one. */
#include "ctl_verify.h"

#include <sodium.h>
#include <string.h>

#include "ctl_ratelimit.h"
#include "ctl_sms.h"
#include "jc_error.h"

#define SWEEP_SECONDS 10
#define HOUR_US (G_GINT64_CONSTANT(3600) * G_USEC_PER_SEC)

typedef struct {
    CtlVerifyDesk *desk; /* borrowed: the desk outlives it (its send is cancelled first) */
    char id[CTL_VERIFY_ID_LEN + 1];
    CtlHeldSignup *held;
    char code[CTL_VERIFY_CODE_LEN + 1];
    guint wrong;
    gint64 expires_us; /* monotonic */
    gint64 sent_us;    /* when the last code was asked for */
    gboolean dead;     /* dropped while its code was being sent */
    gboolean sending;
    CtlVerifySent sent; /* while sending: whom to tell */
    gpointer sent_data;
} Held;

/* How many codes one phone was sent in the current hour. */
typedef struct {
    gint64 since_us;
    guint count;
} PhoneSends;

struct CtlVerifyDesk {
    CtlSmsGateway *gateway;
    GHashTable *held;   /* id -> Held* (owned) */
    GHashTable *phones; /* phone -> PhoneSends* */
    CtlRateLimit *per_address;
    CtlRateLimit *total;
    gint64 ttl_us;
    gint64 resend_us;
    guint sweep_id;
    guint64 limited;
};

void ctl_held_signup_free(CtlHeldSignup *h)
{
    if (h == NULL)
        return;
    g_free(h->name);
    if (h->phone != NULL)
        sodium_memzero(h->phone, strlen(h->phone));
    g_free(h->phone);
    g_free(h->ref);
    g_free(h);
}

static void held_free(gpointer data)
{
    Held *v = data;
    ctl_held_signup_free(v->held);
    sodium_memzero(v->code, sizeof v->code);
    g_free(v);
}

/* Forgets v now, or once its send ended. */
static void drop(CtlVerifyDesk *d, Held *v)
{
    if (v->sending)
        v->dead = TRUE;
    else
        g_hash_table_remove(d->held, v->id);
}

static gboolean sweep(gpointer data)
{
    CtlVerifyDesk *d = data;
    gint64 now = g_get_monotonic_time();
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, d->held);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        Held *v = value;
        if (!v->sending && (v->dead || v->expires_us <= now))
            g_hash_table_iter_remove(&it);
    }
    g_hash_table_iter_init(&it, d->phones);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        if (((PhoneSends *)value)->since_us + HOUR_US <= now)
            g_hash_table_iter_remove(&it);
    }
    return G_SOURCE_CONTINUE;
}

CtlVerifyDesk *ctl_verify_desk_new(const CtlVerifyConfig *cfg, GError **error)
{
    if (sodium_init() < 0)
        g_error("libsodium failed to initialise");
    CtlSmsGateway *gateway = ctl_sms_gateway_new(cfg->gateway_url, cfg->gateway_secret, error);
    if (gateway == NULL)
        return NULL;
    CtlVerifyDesk *d = g_new0(CtlVerifyDesk, 1);
    d->gateway = gateway;
    d->held = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, held_free);
    d->phones = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    d->per_address =
        ctl_rate_limit_new(CTL_VERIFY_SENDS_PER_ADDRESS, CTL_VERIFY_SENDS_PER_ADDRESS, 100000);
    d->total = ctl_rate_limit_new(CTL_VERIFY_SENDS_TOTAL, CTL_VERIFY_SENDS_TOTAL, 1);
    d->ttl_us = (cfg->ttl_ms > 0 ? cfg->ttl_ms : CTL_VERIFY_TTL_SECONDS * 1000u) * (gint64)1000;
    d->resend_us =
        (cfg->resend_ms > 0 ? cfg->resend_ms : CTL_VERIFY_RESEND_SECONDS * 1000u) * (gint64)1000;
    d->sweep_id = g_timeout_add_seconds(SWEEP_SECONDS, sweep, d);
    return d;
}

void ctl_verify_desk_free(CtlVerifyDesk *d)
{
    if (d == NULL)
        return;
    g_source_remove(d->sweep_id);
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, d->held);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        Held *v = value;
        if (v->sending) {
            v->sending = FALSE;
            v->sent(CTL_VERIFY_SEND_FAILED, NULL, 0, v->sent_data);
        }
    }
    ctl_sms_gateway_free(d->gateway); /* cancels: its callbacks do not run */
    g_hash_table_destroy(d->held);
    g_hash_table_destroy(d->phones);
    ctl_rate_limit_free(d->per_address);
    ctl_rate_limit_free(d->total);
    g_free(d);
}

/* The live Held verify_id, or NULL. */
static Held *lookup(CtlVerifyDesk *d, const char *verify_id)
{
    if (verify_id == NULL || strlen(verify_id) != CTL_VERIFY_ID_LEN)
        return NULL;
    Held *v = g_hash_table_lookup(d->held, verify_id);
    if (v == NULL || v->dead)
        return NULL;
    if (v->expires_us <= g_get_monotonic_time()) {
        drop(d, v);
        return NULL;
    }
    return v;
}

/* One more send for phone this hour: FALSE when it had its share. */
static gboolean phone_may_send(CtlVerifyDesk *d, const char *phone, gint64 now)
{
    PhoneSends *p = g_hash_table_lookup(d->phones, phone);
    if (p == NULL || p->since_us + HOUR_US <= now) {
        p = g_new0(PhoneSends, 1);
        p->since_us = now;
        g_hash_table_replace(d->phones, g_strdup(phone), p);
    }
    if (p->count >= CTL_VERIFY_SENDS_PER_PHONE)
        return FALSE;
    p->count++;
    return TRUE;
}

static void code_sent(gboolean ok, gpointer data)
{
    Held *v = data;
    CtlVerifyDesk *d = v->desk;
    v->sending = FALSE;
    CtlVerifySent sent = v->sent;
    gpointer sent_data = v->sent_data;
    if (!ok || v->dead) {
        g_hash_table_remove(d->held, v->id);
        sent(ok ? CTL_VERIFY_GONE : CTL_VERIFY_SEND_FAILED, NULL, 0, sent_data);
        return;
    }
    sent(CTL_VERIFY_SENT, v->id, 0, sent_data);
}

/* A fresh code for v, and the send; the caller checked the limits. */
static void send_code(CtlVerifyDesk *d, Held *v, CtlVerifySent sent, gpointer data, gint64 now)
{
    g_snprintf(v->code, sizeof v->code, "%06u", randombytes_uniform(1000000));
    v->wrong = 0;
    v->sent_us = now;
    v->expires_us = now + d->ttl_us;
    v->sending = TRUE;
    v->sent = sent;
    v->sent_data = data;
    ctl_sms_send(d->gateway, v->held->phone, v->code, code_sent, v);
}

/* The address's, everyone's and the phone's send budgets: FALSE (and counted) when one is
 * spent. */
static gboolean may_send(CtlVerifyDesk *d, const char *client, const char *phone, gint64 now)
{
    if (ctl_rate_limit_take(d->per_address, client != NULL ? client : "", now) &&
        ctl_rate_limit_take(d->total, "*", now) && phone_may_send(d, phone, now))
        return TRUE;
    d->limited++;
    return FALSE;
}

void ctl_verify_begin(CtlVerifyDesk *d, CtlHeldSignup *held, const char *client, CtlVerifySent sent,
                      gpointer data)
{
    gint64 now = g_get_monotonic_time();
    if (g_hash_table_size(d->held) >= CTL_VERIFY_MAX_HELD) {
        sweep(d);
        if (g_hash_table_size(d->held) >= CTL_VERIFY_MAX_HELD) {
            ctl_held_signup_free(held);
            sent(CTL_VERIFY_BUSY, NULL, 0, data);
            return;
        }
    }
    if (!may_send(d, client, held->phone, now)) {
        ctl_held_signup_free(held);
        sent(CTL_VERIFY_LIMITED, NULL, CTL_VERIFY_RESEND_SECONDS, data);
        return;
    }
    Held *v = g_new0(Held, 1);
    v->desk = d;
    guint8 raw[CTL_VERIFY_ID_LEN / 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(v->id, sizeof v->id, raw, sizeof raw);
    v->held = held;
    g_hash_table_insert(d->held, v->id, v);
    send_code(d, v, sent, data, now);
}

void ctl_verify_resend(CtlVerifyDesk *d, const char *verify_id, const char *client,
                       CtlVerifySent sent, gpointer data)
{
    gint64 now = g_get_monotonic_time();
    Held *v = lookup(d, verify_id);
    if (v == NULL) {
        sent(CTL_VERIFY_GONE, NULL, 0, data);
        return;
    }
    gint64 ready = v->sent_us + d->resend_us;
    if (v->sending || now < ready) {
        guint wait = v->sending ? 1 : (guint)((ready - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
        sent(CTL_VERIFY_LIMITED, v->id, wait, data);
        return;
    }
    if (!may_send(d, client, v->held->phone, now)) {
        sent(CTL_VERIFY_LIMITED, v->id, CTL_VERIFY_RESEND_SECONDS, data);
        return;
    }
    send_code(d, v, sent, data, now);
}

CtlVerifyCheck ctl_verify_check(CtlVerifyDesk *d, const char *verify_id, const char *code,
                                CtlHeldSignup **held, guint *tries_left)
{
    *held = NULL;
    *tries_left = 0;
    Held *v = lookup(d, verify_id);
    if (v == NULL)
        return CTL_CODE_GONE;
    if (code != NULL && strlen(code) == CTL_VERIFY_CODE_LEN &&
        sodium_memcmp(code, v->code, CTL_VERIFY_CODE_LEN) == 0) {
        *held = g_steal_pointer(&v->held);
        v->held = g_new0(CtlHeldSignup, 1); /* an empty one for the sender still holding v */
        drop(d, v);
        return CTL_CODE_RIGHT;
    }
    if (++v->wrong >= CTL_VERIFY_TRIES) {
        drop(d, v);
        return CTL_CODE_GONE;
    }
    *tries_left = CTL_VERIFY_TRIES - v->wrong;
    return CTL_CODE_WRONG;
}

const CtlHeldSignup *ctl_verify_peek(CtlVerifyDesk *d, const char *verify_id)
{
    Held *v = lookup(d, verify_id);
    return v != NULL ? v->held : NULL;
}

void ctl_verify_metrics(CtlVerifyDesk *d, GString *out)
{
    guint held = 0;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, d->held);
    while (g_hash_table_iter_next(&it, NULL, &value))
        held += !((Held *)value)->dead;
    g_string_append_printf(out,
                           "# HELP jobcast_sms_sent_total Sign-up codes the SMS gateway took.\n"
                           "# TYPE jobcast_sms_sent_total counter\n"
                           "jobcast_sms_sent_total %" G_GUINT64_FORMAT "\n"
                           "# HELP jobcast_sms_failed_total Sign-up codes the SMS gateway did "
                           "not take after every retry.\n"
                           "# TYPE jobcast_sms_failed_total counter\n"
                           "jobcast_sms_failed_total %" G_GUINT64_FORMAT "\n"
                           "# HELP jobcast_sms_limited_total Sign-up codes refused by the send "
                           "limits (per phone, per address, in total, resend too early).\n"
                           "# TYPE jobcast_sms_limited_total counter\n"
                           "jobcast_sms_limited_total %" G_GUINT64_FORMAT "\n"
                           "# HELP jobcast_signups_unverified Sign-ups waiting for their SMS "
                           "code (held in memory, counted nowhere else).\n"
                           "# TYPE jobcast_signups_unverified gauge\n"
                           "jobcast_signups_unverified %u\n",
                           ctl_sms_sent_total(d->gateway), ctl_sms_failed_total(d->gateway),
                           d->limited, held);
}
