/* ctl_apply_http: the apply page and POST /api/apply (see ctl_apply_http.h).
 *
 * Main thread only. A sign-up is answered only once the store reports it durable. Meanwhile
 * the connection just waits, holding a CtlPending (ctl_pending.c) that is shared with the
 * store's callback: a connection that closes detaches itself, a desk that is freed orphans
 * it, and the store's callback (which always runs exactly once) drops the work's reference.
 * On a commit the stats count it, the studio redraws the on-air counter (once per batch) and
 * producers are told (signup.created).
 *
 * Every submission gets a fresh withdraw code (ctl_withdraw.c) in its thanks URL; the store
 * keeps its hash only on a sign-up the submission created, so a duplicate's code, on a page that
 * looks the same, acts on nothing. */
#include "ctl_apply_http.h"

#include <string.h>

#include "ctl_apply.h"
#include "ctl_ask_http.h"
#include "ctl_code_http.h"
#include "ctl_query.h"
#include "ctl_ratelimit.h"
#include "ctl_reply.h"
#include "ctl_rpc.h"
#include "ctl_verify_http.h"
#include "ctl_withdraw.h"
#include "jc_error.h"

struct CtlApplyDesk {
    CtlStore *store;           /* borrowed */
    CtlAccess *access;         /* borrowed */
    CtlStats *stats;           /* borrowed */
    CtlRefs *refs;             /* borrowed */
    CtlStudio *studio;         /* borrowed */
    const CtlNotifier *notify; /* borrowed */
    CtlPrivacy *privacy;       /* borrowed: the notice, the per-phone limit */
    CtlWithdrawDesk *withdraw; /* owned */
    CtlRateLimit *limit;       /* owned: sign-ups per client address */
    CtlVerifyHttp *verify;     /* owned; NULL: sign-ups are stored without an SMS code */
    CtlAskDesk *ask;           /* owned: viewers' questions */
    CtlCodeDesk *codes;        /* owned: the code page (/j) */
    const CtlView *view;       /* borrowed, may be NULL: the Open Graph links' addresses */
    CtlPendingList tickets;    /* sign-ups the store has not answered */
};

/* A sign-up waiting for the store (the payload of its CtlPending). */
typedef struct {
    CtlApplyDesk *desk; /* borrowed; only used while the pending is not orphaned */
    gboolean json;      /* answer in JSON (else redirect / HTML) */
    gint64 posting_id;
    char *name;  /* owned, normalised */
    char *phone; /* owned, normalised */
    char *ref;   /* owned, as submitted, may be NULL (to show the form again) */
    char *code;  /* owned: this submission's withdraw code */
    CtlSource src;
} Ticket;

static void code_right(CtlSession *s, CtlHeldSignup *held, gboolean json, const char *client,
                       gpointer data);

static void ticket_free(gpointer data)
{
    Ticket *t = data;
    g_free(t->name);
    g_free(t->phone);
    g_free(t->ref);
    g_free(t->code);
    g_free(t);
}

CtlApplyDesk *ctl_apply_desk_new(CtlStore *store, CtlAccess *access, CtlStats *stats, CtlRefs *refs,
                                 CtlStudio *studio, const CtlNotifier *notify, CtlPrivacy *privacy,
                                 guint signups_per_minute, CtlVerifyDesk *verify)
{
    CtlApplyDesk *d = g_new0(CtlApplyDesk, 1);
    d->privacy = privacy;
    d->withdraw = ctl_withdraw_desk_new(store, access, studio, notify, 0);
    d->store = store;
    d->access = access;
    d->stats = stats;
    d->refs = refs;
    d->studio = studio;
    d->notify = notify;
    d->limit = ctl_rate_limit_new(signups_per_minute, signups_per_minute, 100000);
    d->ask = ctl_ask_desk_new(store, access, notify, privacy);
    /* The code page is a page like the apply page: limited at the sign-ups' rate. */
    d->codes = ctl_code_desk_new(store, access, signups_per_minute);
    if (verify != NULL)
        d->verify = ctl_verify_http_new(verify, store, privacy, code_right, d);
    return d;
}

void ctl_apply_desk_free(CtlApplyDesk *d)
{
    if (d == NULL)
        return;
    ctl_pending_list_orphan(&d->tickets);
    ctl_verify_http_free(d->verify);
    ctl_withdraw_desk_free(d->withdraw);
    ctl_ask_desk_free(d->ask);
    ctl_code_desk_free(d->codes);
    ctl_rate_limit_free(d->limit);
    g_free(d);
}

void ctl_apply_desk_set_view(CtlApplyDesk *d, const CtlView *view)
{
    d->view = view;
}

guint ctl_apply_pending(const CtlApplyDesk *d)
{
    return ctl_pending_list_length(&d->tickets);
}

/* Parses the decimal id at the start of text; *rest points after it. 0 when none. */
static gint64 parse_id(const char *text, const char **rest)
{
    gint64 id = 0;
    const char *p = text;
    while (*p >= '0' && *p <= '9' && id < G_MAXINT64 / 10 - 10) {
        id = id * 10 + (*p - '0');
        p++;
    }
    *rest = p;
    return p == text ? 0 : id;
}

/* The thanks page: the withdraw code from ?t= (any well-formed one: the page cannot tell a
 * code that acts on a sign-up from one that does not, and must not). */
static void reply_thanks(CtlSession *s, const CtlPosting *p)
{
    char buf[96];
    const char *t = lws_get_urlarg_by_name(s->wsi, "t=", buf, sizeof buf);
    g_autofree char *code = ctl_withdraw_code_normalise(t);
    g_autofree char *status_hash = code != NULL ? ctl_withdraw_code_hash(code) : NULL;
    ctl_reply_html(s, 200, ctl_apply_thanks_page(p, code, status_hash));
}

/* The apply page of p for a viewer who came from ?src= (stream when absent or unknown). An
 * open counts in the funnel; the page a question's form is sent back to (asked) says the
 * question arrived and counts nothing: it is the same viewer. */
static void reply_page(CtlApplyDesk *d, CtlSession *s, const CtlPosting *p, gboolean asked)
{
    g_autofree char *tag = ctl_query_arg(s->wsi, "src");
    CtlApplyForm form = {.src = ctl_source_parse(tag)};
    if (!asked) {
        g_autofree char *client = ctl_access_client_address(d->access, s->wsi);
        ctl_stats_count_open(d->stats, p->id, client, form.src);
    }
    g_autofree char *ref = ctl_refs_make(d->refs, p->id, ctl_studio_live_show(d->studio));
    g_autofree char *faq = ctl_ask_faq_html(d->store, p->id);
    g_autofree char *og_url = d->view != NULL ? ctl_view_apply_url(d->view, p->id) : NULL;
    g_autofree char *og_image = d->view != NULL ? ctl_view_poster_url(d->view, p->id) : NULL;
    CtlApplyAsk ask = {.faq_html = faq,
                       .note = asked ? CTL_ASK_RECEIVED : NULL,
                       .og_url = og_url,
                       .og_image = og_image};
    ctl_reply_html(
        s, 200,
        ctl_apply_page_ask(p, &form, NULL, NULL, ref, ctl_privacy_notice(d->privacy), &ask));
}

/* /a/ID[?src=S], /a/ID/asked[?src=S], /a/ID/thanks?t=CODE and /a/withdraw. The thanks page is
 * the same for every sign-up, new or duplicate: it must not tell anyone whether a phone had
 * applied. */
void ctl_apply_get(CtlApplyDesk *d, CtlSession *s, const char *tail)
{
    if (g_ascii_strcasecmp(tail, "withdraw") == 0) {
        ctl_withdraw_get(d->withdraw, s);
        return;
    }
    const char *rest = NULL;
    gint64 id = parse_id(tail, &rest);
    gboolean thanks = g_ascii_strcasecmp(rest, "/thanks") == 0;
    gboolean asked = g_ascii_strcasecmp(rest, "/asked") == 0;
    if (id <= 0 || (rest[0] != '\0' && !thanks && !asked)) {
        ctl_reply_not_found(s);
        return;
    }
    g_autoptr(CtlPosting) p = ctl_reply_posting_or_fail(d->store, s, id, FALSE);
    if (p == NULL)
        return;
    if (p->archived && !thanks) {
        ctl_reply_posting_closed(s, d->store, p, FALSE);
        return;
    }
    if (thanks)
        reply_thanks(s, p);
    else
        reply_page(d, s, p, asked);
}

void ctl_apply_lookup_get(CtlApplyDesk *d, CtlSession *s)
{
    ctl_code_get(d->codes, s);
}

void ctl_apply_withdraw_post(CtlApplyDesk *d, CtlSession *s)
{
    ctl_withdraw_post(d->withdraw, s);
}

void ctl_apply_ask_post(CtlApplyDesk *d, CtlSession *s)
{
    gboolean json;
    gboolean form;
    if (ctl_apply_body_kind(s, &json, &form))
        ctl_ask_post(d->ask, s, json);
}

static void reply_rate_limited(CtlSession *s, gboolean json)
{
    if (json)
        ctl_reply_error(s, 429, "rate_limited", NULL, "提交太频繁，请稍后再试");
    else
        ctl_reply_message(s, 429, "提交太频繁", "请稍等一会儿再提交。");
}

/* Tells producers about a new committed sign-up and redraws the on-air counter. */
static void signup_committed(CtlApplyDesk *d, const Ticket *t, gint64 signup_id)
{
    ctl_stats_count_committed(d->stats);
    ctl_stats_count_signup_from(d->stats, t->posting_id, t->src);
    ctl_studio_signup_committed(d->studio, t->posting_id);
    if (!ctl_notify_listening(d->notify))
        return;
    g_autoptr(GError) error = NULL;
    gint64 count = ctl_store_count_signups(d->store, t->posting_id, &error);
    if (count < 0) {
        g_message("control: counting sign-ups: %s", error->message);
        return;
    }
    g_autofree char *masked = ctl_apply_mask_phone(t->phone);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "posting_id", t->posting_id);
    json_object_set_int_member(o, "signup_id", signup_id);
    json_object_set_int_member(o, "show_id", ctl_studio_show_id(d->studio));
    json_object_set_string_member(o, "name", t->name);
    json_object_set_string_member(o, "phone_masked", masked);
    json_object_set_int_member(o, "count", count);
    ctl_notify(d->notify, "signup.created", ctl_json_object_node(o));
}

/* New and duplicate sign-ups get the same answer, byte for byte but for the withdraw code:
 * anything else (an id, a status, a flag) would tell anyone who types a phone number whether
 * that person applied. The thanks URL carries the submission's fresh random withdraw code,
 * which acts on the sign-up only when this submission created it. */
static void reply_stored(CtlSession *s, const Ticket *t)
{
    g_autofree char *location =
        g_strdup_printf("/a/%" G_GINT64_FORMAT "/thanks?t=%s", t->posting_id, t->code);
    if (t->json) {
        JsonObject *o = json_object_new();
        json_object_set_boolean_member(o, "received", TRUE);
        json_object_set_string_member(o, "thanks_url", location);
        JsonNode *node = json_node_init_object(json_node_alloc(), o);
        json_object_unref(o);
        ctl_reply_json(s, 201, node);
        return;
    }
    ctl_reply_redirect(s, location);
}

/* The phone reached its daily number of postings: a field error, with the form filled in. */
static void reply_phone_limit(CtlApplyDesk *d, CtlSession *s, const Ticket *t)
{
    guint max = ctl_privacy_max_postings_per_day(d->privacy);
    g_autofree char *message =
        g_strdup_printf("同一个手机号24小时内最多报名 %u 个岗位，请明天再报名其他岗位", max);
    if (t->json) {
        ctl_reply_error(s, 400, "phone_limit", "phone", message);
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(CtlPosting) p = ctl_store_get_posting(d->store, t->posting_id, &error);
    if (p == NULL) {
        ctl_reply_message(s, 400, "报名太多", message);
        return;
    }
    CtlApplyForm form = {.posting_id = t->posting_id,
                         .name = t->name,
                         .phone = t->phone,
                         .consent = TRUE,
                         .src = t->src};
    ctl_reply_html(
        s, 400,
        ctl_apply_page_ref(p, &form, "phone", message, t->ref, ctl_privacy_notice(d->privacy)));
}

static void apply_done(gint64 signup_id, gboolean duplicate, const GError *error, gpointer data)
{
    CtlPending *p = data;
    Ticket *t = ctl_pending_data(p);
    gboolean live = !ctl_pending_orphaned(p);
    CtlSession *s = ctl_pending_finish(p);
    if (live && error == NULL && !duplicate)
        signup_committed(t->desk, t, signup_id);
    if (s == NULL) {
        ctl_pending_unref(p); /* the store's */
        return;
    }
    if (error != NULL && g_error_matches(error, JC_ERROR, JC_ERROR_RATE_LIMITED)) {
        reply_rate_limited(s, t->json);
    } else if (error != NULL && g_error_matches(error, JC_ERROR, JC_ERROR_CONFLICT) && live) {
        reply_phone_limit(t->desk, s, t);
    } else if (error != NULL) {
        g_message("control: storing a sign-up failed: %s", error->message);
        if (t->json)
            ctl_reply_error(s, 500, "internal", NULL, "服务器内部错误，请稍后再试");
        else
            ctl_reply_message(s, 500, "出错了", "报名没有保存成功，请稍后再试。");
    } else {
        reply_stored(s, t);
    }
    ctl_pending_unref(p); /* the store's */
}

static void invalid_apply(CtlApplyDesk *d, CtlSession *s, gboolean json, const CtlPosting *p,
                          const CtlApplyForm *form, const char *field, const char *message)
{
    if (json)
        ctl_reply_error(s, 400, "invalid", field, message);
    else if (p != NULL)
        ctl_reply_html(
            s, 400,
            ctl_apply_page_ref(p, form, field, message, NULL, ctl_privacy_notice(d->privacy)));
    else
        ctl_reply_message(s, 400, "提交有误", message);
}

gboolean ctl_apply_body_kind(CtlSession *s, gboolean *json, gboolean *form)
{
    char ctype[128] = "";
    if (lws_hdr_copy(s->wsi, ctype, sizeof ctype, WSI_TOKEN_HTTP_CONTENT_TYPE) < 0)
        ctype[0] = '\0';
    char *semi = strchr(ctype, ';');
    if (semi != NULL)
        *semi = '\0';
    g_strstrip(ctype);
    *json = g_ascii_strcasecmp(ctype, "application/json") == 0;
    *form = g_ascii_strcasecmp(ctype, "application/x-www-form-urlencoded") == 0;
    if (s->http.too_large) {
        if (*form)
            ctl_reply_message(s, 413, "内容太长", "提交的内容太长了，请检查后重新提交。");
        else
            ctl_reply_error(s, 413, "too_large", NULL, "request body over 16384 bytes");
        return FALSE;
    }
    if (!*json && !*form) {
        ctl_reply_error(s, 415, "unsupported_media_type", NULL,
                        "use application/json or application/x-www-form-urlencoded");
        return FALSE;
    }
    return TRUE;
}

/* Hands a valid sign-up (held, transfer full) to the store; the session waits for the answer. */
static void submit(CtlApplyDesk *d, CtlSession *s, CtlHeldSignup *held, gboolean json,
                   const char *client)
{
    Ticket *t = g_new0(Ticket, 1);
    t->desk = d;
    t->json = json;
    t->posting_id = held->posting_id;
    t->name = g_steal_pointer(&held->name);
    t->phone = g_steal_pointer(&held->phone);
    t->ref = g_steal_pointer(&held->ref);
    t->src = (CtlSource)held->src;
    g_autofree char *hash = NULL;
    t->code = ctl_withdraw_code_new(&hash);
    CtlPending *pending = ctl_pending_new(t, ticket_free);
    ctl_pending_track(pending, &d->tickets);
    ctl_pending_wait(pending, &s->http.waiting, s);
    CtlSignupRequest req = {
        .posting_id = t->posting_id,
        .name = t->name,
        .phone = t->phone,
        .consent = TRUE,
        .client_addr = client != NULL && client[0] != '\0' ? client : NULL,
        .show_id = held->show_id,
        .consent_version = CTL_CONSENT_VERSION,
        .withdraw_hash = hash,
        .max_postings_per_day = ctl_privacy_max_postings_per_day(d->privacy),
    };
    ctl_stats_count_submit(d->stats, t->posting_id);
    ctl_store_add_signup(d->store, &req, apply_done, pending);
    ctl_held_signup_free(held);
}

void ctl_apply_post(CtlApplyDesk *d, CtlSession *s)
{
    gboolean json;
    gboolean form;
    if (!ctl_apply_body_kind(s, &json, &form))
        return;
    CtlHttpSession *h = &s->http;
    const char *body = h->body != NULL ? h->body->str : "";
    gsize len = h->body != NULL ? h->body->len : 0;
    CtlApplyForm in = {0};
    const char *field = NULL;
    g_autoptr(GError) error = NULL;
    gboolean parsed = json ? ctl_apply_parse_json(body, len, &in, &field, &error)
                           : ctl_apply_parse_form(body, len, &in, &field, &error);
    /* A posting id that parsed, even if another field did not, is needed for the 404 and for
     * the form page. */
    g_autoptr(CtlPosting) p = NULL;
    g_autofree char *name = NULL; /* declared before any goto: cleanup runs at "out" */
    g_autofree char *phone = NULL;
    g_autofree char *client = NULL;
    if (in.posting_id > 0) {
        p = ctl_reply_posting_or_fail(d->store, s, in.posting_id, json);
        if (p == NULL)
            goto out;
        if (p->archived) {
            ctl_reply_posting_closed(s, d->store, p, json);
            goto out;
        }
    }
    if (!parsed || !ctl_apply_validate(&in, &name, &phone, &field, &error)) {
        invalid_apply(d, s, json, p, &in, field, error->message);
        goto out;
    }
    /* lws listens on a dual-stack socket: IPv4 clients show as IPv4 (ctl_client_address). */
    client = ctl_access_client_address(d->access, s->wsi);
    if (!ctl_rate_limit_take(d->limit, client, g_get_monotonic_time())) {
        reply_rate_limited(s, json);
        goto out;
    }
    CtlHeldSignup *held = g_new0(CtlHeldSignup, 1);
    held->posting_id = p->id;
    held->show_id = ctl_refs_signup_show(d->refs, p->id, in.ref, ctl_studio_live_show(d->studio));
    held->name = g_steal_pointer(&name);
    held->phone = g_steal_pointer(&phone);
    held->ref = g_strdup(in.ref);
    held->src = in.src;
    if (d->verify != NULL)
        ctl_verify_http_begin(d->verify, s, held, json, client);
    else
        submit(d, s, held, json, client);
out:
    ctl_apply_form_clear(&in);
}

/* The SMS code was right: the sign-up is stored like one without codes, unless its posting
 * closed meanwhile. */
static void code_right(CtlSession *s, CtlHeldSignup *held, gboolean json, const char *client,
                       gpointer data)
{
    CtlApplyDesk *d = data;
    g_autoptr(CtlPosting) p = ctl_reply_posting_or_fail(d->store, s, held->posting_id, json);
    if (p == NULL) {
        ctl_held_signup_free(held);
        return;
    }
    if (p->archived) {
        ctl_reply_posting_closed(s, d->store, p, json);
        ctl_held_signup_free(held);
        return;
    }
    submit(d, s, held, json, client);
}

void ctl_apply_code_post(CtlApplyDesk *d, CtlSession *s, gboolean resend)
{
    if (d->verify == NULL) {
        ctl_reply_not_found(s);
        return;
    }
    gboolean json;
    gboolean form;
    if (!ctl_apply_body_kind(s, &json, &form))
        return;
    g_autofree char *client = ctl_access_client_address(d->access, s->wsi);
    if (!ctl_rate_limit_take(d->limit, client, g_get_monotonic_time())) {
        reply_rate_limited(s, json);
        return;
    }
    if (resend)
        ctl_verify_http_resend(d->verify, s, json, client);
    else
        ctl_verify_http_code(d->verify, s, json, client);
}

void ctl_apply_metrics(CtlApplyDesk *d, GString *out)
{
    if (d->verify != NULL)
        ctl_verify_http_metrics(d->verify, out);
}
