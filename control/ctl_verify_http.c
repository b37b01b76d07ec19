/* ctl_verify_http: the viewer's side of SMS codes (see ctl_verify_http.h).
 *
 * A request that sends a code (the sign-up itself, or "send another") waits for the gateway:
 * the connection holds a CtlPending whose payload says how to answer (JSON or the page, and
 * what to refill the form with if the code could not be sent). The desk calls back exactly once
 * per send; a connection that closed meanwhile detaches, and a server that went orphans it.
 *
 * Every answer is the same whether or not the phone already signed up for the posting: the
 * code goes out either way, and a duplicate is only found (and answered like a new sign-up)
 * once the code is right, by the store, as without codes. */
#include "ctl_verify_http.h"

#include <string.h>

#include "ctl_pending.h"
#include "ctl_reply.h"
#include "ctl_rpc.h"
#include "jc_error.h"

struct CtlVerifyHttp {
    CtlVerifyDesk *desk; /* owned */
    CtlStore *store;     /* borrowed */
    CtlPrivacy *privacy; /* borrowed */
    CtlVerifiedFunc verified;
    gpointer verified_data;
    CtlPendingList sending; /* requests waiting for the gateway */
};

/* A request waiting for its code to go out (a CtlPending's payload). */
typedef struct {
    CtlVerifyHttp *v; /* borrowed; used only while the pending is not orphaned */
    gboolean json;
    gboolean resend;
    gint64 posting_id;
    CtlApplyForm form; /* to refill the apply page when no code went out (a first send) */
} Wait;

static void wait_free(gpointer data)
{
    Wait *w = data;
    ctl_apply_form_clear(&w->form);
    g_free(w);
}

CtlVerifyHttp *ctl_verify_http_new(CtlVerifyDesk *desk, CtlStore *store, CtlPrivacy *privacy,
                                   CtlVerifiedFunc verified, gpointer verified_data)
{
    CtlVerifyHttp *v = g_new0(CtlVerifyHttp, 1);
    v->desk = desk;
    v->store = store;
    v->privacy = privacy;
    v->verified = verified;
    v->verified_data = verified_data;
    return v;
}

void ctl_verify_http_free(CtlVerifyHttp *v)
{
    if (v == NULL)
        return;
    ctl_pending_list_orphan(&v->sending);
    ctl_verify_desk_free(v->desk); /* tells the waiting sends: they find themselves orphaned */
    g_free(v);
}

guint ctl_verify_http_waiting(const CtlVerifyHttp *v)
{
    return ctl_pending_list_length(&v->sending);
}

void ctl_verify_http_metrics(CtlVerifyHttp *v, GString *out)
{
    ctl_verify_metrics(v->desk, out);
}

static guint ttl_minutes(void)
{
    return CTL_VERIFY_TTL_SECONDS / 60;
}

/* The apply page of posting_id again (form may be NULL) with message at the top; a message page
 * when the posting is gone. */
static void reply_apply_again(CtlVerifyHttp *v, CtlSession *s, guint status, gint64 posting_id,
                              const CtlApplyForm *form, const char *message)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CtlPosting) p =
        posting_id > 0 ? ctl_store_get_posting(v->store, posting_id, &error) : NULL;
    if (p == NULL || p->archived) {
        ctl_reply_message(s, status, "请重新报名", message);
        return;
    }
    ctl_reply_html(s, status,
                   ctl_apply_page_ref(p, form, "form", message, form != NULL ? form->ref : NULL,
                                      ctl_privacy_notice(v->privacy)));
}

/* The code page for verify_id (held still), with error or note; the apply page when gone. */
static void reply_code_page(CtlVerifyHttp *v, CtlSession *s, guint status, const char *verify_id,
                            const char *error_text, const char *note)
{
    const CtlHeldSignup *held = ctl_verify_peek(v->desk, verify_id);
    g_autoptr(GError) error = NULL;
    g_autoptr(CtlPosting) p =
        held != NULL ? ctl_store_get_posting(v->store, held->posting_id, &error) : NULL;
    if (p == NULL) {
        ctl_reply_message(s, 410, "验证码已失效", "验证码已过期或输错太多次，请重新提交报名。");
        return;
    }
    g_autofree char *masked = ctl_apply_mask_phone(held->phone);
    ctl_reply_html(s, status,
                   ctl_apply_verify_page(p, verify_id, masked, ttl_minutes(), error_text, note));
}

static void reply_sent(CtlVerifyHttp *v, CtlSession *s, const Wait *w, const char *verify_id)
{
    if (w->json) {
        JsonObject *o = json_object_new();
        json_object_set_boolean_member(o, "verify", TRUE);
        json_object_set_string_member(o, "verify_id", verify_id);
        json_object_set_int_member(o, "expires_in", CTL_VERIFY_TTL_SECONDS);
        json_object_set_int_member(o, "resend_after", CTL_VERIFY_RESEND_SECONDS);
        ctl_reply_json(s, 202, ctl_json_object_node(o));
        return;
    }
    reply_code_page(v, s, 202, verify_id, NULL,
                    w->resend ? "新的验证码已发送，旧的验证码不再有效。" : NULL);
}

static void reply_limited(CtlVerifyHttp *v, CtlSession *s, const Wait *w, const char *verify_id,
                          guint wait_seconds)
{
    char after[16];
    g_snprintf(after, sizeof after, "%u", wait_seconds);
    ctl_reply_header(s, "retry-after:", after);
    g_autofree char *message = g_strdup_printf("发送验证码太频繁，请 %u 秒后再试", wait_seconds);
    if (w->json)
        ctl_reply_error(s, 429, "rate_limited", NULL, message);
    else if (verify_id != NULL)
        reply_code_page(v, s, 429, verify_id, NULL, message);
    else
        reply_apply_again(v, s, 429, w->posting_id, &w->form, message);
}

static void reply_failed(CtlVerifyHttp *v, CtlSession *s, const Wait *w, guint status,
                         const char *code, const char *message)
{
    if (w->json)
        ctl_reply_error(s, status, code, NULL, message);
    else
        reply_apply_again(v, s, status, w->posting_id, w->resend ? NULL : &w->form, message);
}

static void code_sent(CtlVerifySendResult result, const char *verify_id, guint wait_seconds,
                      gpointer data)
{
    CtlPending *p = data;
    Wait *w = ctl_pending_data(p);
    gboolean live = !ctl_pending_orphaned(p);
    CtlSession *s = ctl_pending_finish(p);
    if (s != NULL && live) {
        CtlVerifyHttp *v = w->v;
        switch (result) {
        case CTL_VERIFY_SENT:
            reply_sent(v, s, w, verify_id);
            break;
        case CTL_VERIFY_LIMITED:
            reply_limited(v, s, w, verify_id, wait_seconds);
            break;
        case CTL_VERIFY_SEND_FAILED:
            reply_failed(v, s, w, 503, "sms_failed", "验证码短信没有发出去，请稍后再试");
            break;
        case CTL_VERIFY_BUSY:
            reply_failed(v, s, w, 503, "busy", "现在报名的人太多，请稍后再试");
            break;
        case CTL_VERIFY_GONE:
            reply_failed(v, s, w, 410, "expired", "验证码已过期，请重新提交报名");
            break;
        }
    }
    ctl_pending_unref(p); /* the send's */
}

/* A pending for s, tracked while the code goes out. (transfer: the send's reference) */
static CtlPending *wait_for_send(CtlVerifyHttp *v, CtlSession *s, Wait *w)
{
    w->v = v;
    CtlPending *p = ctl_pending_new(w, wait_free);
    ctl_pending_track(p, &v->sending);
    ctl_pending_wait(p, &s->http.waiting, s);
    return p;
}

void ctl_verify_http_begin(CtlVerifyHttp *v, CtlSession *s, CtlHeldSignup *held, gboolean json,
                           const char *client)
{
    Wait *w = g_new0(Wait, 1);
    w->json = json;
    w->posting_id = held->posting_id;
    w->form.posting_id = held->posting_id;
    w->form.name = g_strdup(held->name);
    w->form.phone = g_strdup(held->phone);
    w->form.ref = g_strdup(held->ref);
    w->form.consent = TRUE;
    w->form.src = (CtlSource)held->src;
    CtlPending *p = wait_for_send(v, s, w);
    ctl_verify_begin(v->desk, held, client, code_sent, p);
}

/* The request's body as a code form; FALSE when it is none (400 answered). */
static gboolean parse_body(CtlSession *s, gboolean json, CtlApplyCode *in)
{
    CtlHttpSession *h = &s->http;
    g_autoptr(GError) error = NULL;
    if (ctl_apply_parse_code(h->body != NULL ? h->body->str : "",
                             h->body != NULL ? h->body->len : 0, json, in, &error))
        return TRUE;
    ctl_reply_error(s, 400, "invalid", NULL, error->message);
    return FALSE;
}

void ctl_verify_http_resend(CtlVerifyHttp *v, CtlSession *s, gboolean json, const char *client)
{
    CtlApplyCode in = {0};
    if (!parse_body(s, json, &in))
        return;
    Wait *w = g_new0(Wait, 1);
    w->json = json;
    w->resend = TRUE;
    w->posting_id = in.posting_id;
    CtlPending *p = wait_for_send(v, s, w);
    ctl_verify_resend(v->desk, in.verify_id, client, code_sent, p);
    ctl_apply_code_clear(&in);
}

static void reply_wrong(CtlVerifyHttp *v, CtlSession *s, gboolean json, const char *verify_id,
                        const char *message)
{
    if (json)
        ctl_reply_error(s, 400, "invalid", "code", message);
    else
        reply_code_page(v, s, 400, verify_id, message, NULL);
}

static void reply_gone(CtlVerifyHttp *v, CtlSession *s, gboolean json, gint64 posting_id)
{
    const char *message = "验证码已失效（过期或输错太多次），请重新提交报名";
    if (json)
        ctl_reply_error(s, 410, "expired", "code", message);
    else
        reply_apply_again(v, s, 410, posting_id, NULL, message);
}

void ctl_verify_http_code(CtlVerifyHttp *v, CtlSession *s, gboolean json, const char *client)
{
    CtlApplyCode in = {0};
    if (!parse_body(s, json, &in))
        return;
    g_autofree char *code = ctl_apply_normalise_code(in.code);
    CtlHeldSignup *held = NULL;
    guint left = 0;
    if (code == NULL && ctl_verify_peek(v->desk, in.verify_id) != NULL) {
        reply_wrong(v, s, json, in.verify_id, "请输入短信里的6位数字验证码");
    } else {
        switch (ctl_verify_check(v->desk, in.verify_id, code, &held, &left)) {
        case CTL_CODE_RIGHT:
            v->verified(s, held, json, client, v->verified_data);
            break;
        case CTL_CODE_WRONG: {
            g_autofree char *message = g_strdup_printf("验证码不对，还可以再试 %u 次", left);
            reply_wrong(v, s, json, in.verify_id, message);
            break;
        }
        case CTL_CODE_GONE:
            reply_gone(v, s, json, in.posting_id);
            break;
        }
    }
    ctl_apply_code_clear(&in);
}
