/* ctl_ask_http: the viewer's questions (see ctl_ask_http.h).
 *
 * Main thread only. The order of checks is the sign-up's: the posting (404; 410 when archived),
 * the text (400, with the message next to the box), then the per-address limit (429), so that a
 * refused question costs the viewer nothing. A question is one small write on the store's main
 * connection; producers are told at once (questions.changed). */
#include "ctl_ask_http.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "ctl_apply.h"
#include "ctl_questions.h"
#include "ctl_ratelimit.h"
#include "ctl_reply.h"
#include "ctl_rpc.h"
#include "ctl_store_questions.h"
#include "jc_error.h"

struct CtlAskDesk {
    CtlStore *store;           /* borrowed */
    CtlAccess *access;         /* borrowed */
    const CtlNotifier *notify; /* borrowed */
    CtlPrivacy *privacy;       /* borrowed: the apply page's notice */
    CtlRateLimit *limit;       /* owned: questions per client address */
};

/* A question as submitted. */
typedef struct {
    gint64 posting_id; /* 0 when absent or not a positive integer */
    char *text;        /* owned, as submitted, NULL when absent */
    CtlSource src;     /* the form's "src" (where the viewer came from) */
} Asked;

CtlAskDesk *ctl_ask_desk_new(CtlStore *store, CtlAccess *access, const CtlNotifier *notify,
                             CtlPrivacy *privacy)
{
    CtlAskDesk *d = g_new0(CtlAskDesk, 1);
    d->store = store;
    d->access = access;
    d->notify = notify;
    d->privacy = privacy;
    d->limit = ctl_rate_limit_new(CTL_ASK_PER_MINUTE, CTL_ASK_PER_MINUTE, 100000);
    return d;
}

void ctl_ask_desk_free(CtlAskDesk *d)
{
    if (d == NULL)
        return;
    ctl_rate_limit_free(d->limit);
    g_free(d);
}

char *ctl_ask_faq_html(CtlStore *store, gint64 posting_id)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows =
        ctl_store_list_questions(store, posting_id, TRUE, CTL_FAQ_MAX, &error);
    if (rows == NULL) {
        g_message("control: reading questions: %s", error->message);
        return g_strdup("");
    }
    if (rows->len == 0)
        return g_strdup("");
    GString *out = g_string_new("    <ul class=\"faq\" id=\"faq\">\n");
    for (guint i = 0; i < rows->len; i++) {
        const CtlQuestionRow *q = rows->pdata[i];
        g_assert(ctl_question_public(q->state)); /* the store's filter */
        g_autofree char *text = g_markup_escape_text(q->text, -1);
        g_autofree char *answer = g_markup_escape_text(q->answer, -1);
        g_string_append_printf(out, "      <li><p class=\"q\">问：%s</p>", text);
        if (q->answer[0] != '\0')
            g_string_append_printf(out, "<p class=\"a\">答：%s</p></li>\n", answer);
        else
            g_string_append(out, "<p class=\"a pending\">主播会在直播中回答</p></li>\n");
    }
    g_string_append(out, "    </ul>\n");
    return g_string_free(out, FALSE);
}

static void asked_clear(Asked *a)
{
    g_clear_pointer(&a->text, g_free);
}

/* Parses the body into *a; FALSE when it is not a JSON object (json) or a form. */
static gboolean parse(const char *body, gsize len, gboolean json, Asked *a)
{
    memset(a, 0, sizeof *a);
    if (!json) {
        g_autoptr(GHashTable) params =
            g_uri_parse_params(body, (gssize)len, "&", G_URI_PARAMS_WWW_FORM, NULL);
        if (params == NULL)
            return FALSE;
        const char *id = g_hash_table_lookup(params, "posting_id");
        guint64 parsed = 0;
        if (id != NULL && g_ascii_string_to_unsigned(id, 10, 1, G_MAXINT64, &parsed, NULL))
            a->posting_id = (gint64)parsed;
        a->text = g_strdup(g_hash_table_lookup(params, "text"));
        a->src = ctl_source_parse(g_hash_table_lookup(params, "src"));
        return TRUE;
    }
    g_autoptr(JsonParser) parser = json_parser_new();
    if (ctl_json_shape(body, len, CTL_JSON_MAX_DEPTH) != CTL_JSON_PLAIN ||
        !json_parser_load_from_data(parser, body, (gssize)len, NULL))
        return FALSE;
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return FALSE;
    JsonObject *o = json_node_get_object(root);
    JsonNode *id = json_object_get_member(o, "posting_id");
    if (id != NULL && JSON_NODE_HOLDS_VALUE(id) && json_node_get_value_type(id) == G_TYPE_INT64)
        a->posting_id = MAX(json_node_get_int(id), 0);
    JsonNode *text = json_object_get_member(o, "text");
    if (text != NULL && JSON_NODE_HOLDS_VALUE(text) &&
        json_node_get_value_type(text) == G_TYPE_STRING)
        a->text = g_strdup(json_node_get_string(text));
    return TRUE;
}

/* The apply page of p with the questions part: text refilled, the error under it; both forms
 * carry the viewer's source on. (transfer full) */
static char *page(CtlAskDesk *d, const CtlPosting *p, const Asked *a, const char *error)
{
    g_autofree char *faq = ctl_ask_faq_html(d->store, p->id);
    CtlApplyAsk ask = {.text = a->text, .error = error, .faq_html = faq};
    CtlApplyForm form = {.src = a->src};
    return ctl_apply_page_ask(p, &form, NULL, NULL, NULL, ctl_privacy_notice(d->privacy), &ask);
}

static void invalid(CtlAskDesk *d, CtlSession *s, gboolean json, const CtlPosting *p,
                    const Asked *a, const char *message)
{
    if (json)
        ctl_reply_error(s, 400, "invalid", "text", message);
    else
        ctl_reply_html(s, 400, page(d, p, a, message));
}

/* The question is stored: producers hear of it, the viewer gets JSON, or a form is sent on to
 * the apply page that says so (303: a refresh of that page asks nothing again). */
static void stored(CtlAskDesk *d, CtlSession *s, gboolean json, const Asked *a, gint64 id)
{
    g_autoptr(CtlQuestionRow) row = ctl_store_get_question(d->store, id, NULL);
    if (row != NULL)
        ctl_questions_changed(d->notify, row);
    if (json) {
        JsonObject *o = json_object_new();
        json_object_set_boolean_member(o, "received", TRUE);
        json_object_set_string_member(o, "message", CTL_ASK_RECEIVED);
        ctl_reply_json(s, 201, ctl_json_object_node(o));
        return;
    }
    g_autofree char *location =
        a->src == CTL_SOURCE_STREAM
            ? g_strdup_printf("/a/%" G_GINT64_FORMAT "/asked#ask", a->posting_id)
            : g_strdup_printf("/a/%" G_GINT64_FORMAT "/asked?src=%s#ask", a->posting_id,
                              ctl_source_name(a->src));
    ctl_reply_redirect(s, location);
}

static void reply_rate_limited(CtlSession *s, gboolean json)
{
    if (json)
        ctl_reply_error(s, 429, "rate_limited", NULL, "提问太频繁，请一分钟后再试");
    else
        ctl_reply_message(s, 429, "提问太频繁", "每分钟最多提 3 个问题，请稍等一会儿再提交。");
}

void ctl_ask_post(CtlAskDesk *d, CtlSession *s, gboolean json)
{
    CtlHttpSession *h = &s->http;
    const char *body = h->body != NULL ? h->body->str : "";
    gsize len = h->body != NULL ? h->body->len : 0;
    Asked a;
    g_autoptr(GError) error = NULL;
    g_autoptr(CtlPosting) p = NULL;
    g_autofree char *text = NULL;
    g_autofree char *client = NULL;
    if (!parse(body, len, json, &a)) {
        if (json)
            ctl_reply_error(s, 400, "invalid", NULL, "请求格式错误：需要一个 JSON 对象");
        else
            ctl_reply_message(s, 400, "提交有误", "表单格式错误");
        goto out;
    }
    if (a.posting_id <= 0) {
        if (json)
            ctl_reply_error(s, 400, "invalid", "posting_id", "岗位编号无效");
        else
            ctl_reply_message(s, 400, "提交有误", "岗位编号无效");
        goto out;
    }
    p = ctl_reply_posting_or_fail(d->store, s, a.posting_id, json);
    if (p == NULL)
        goto out;
    if (p->archived) {
        ctl_reply_posting_closed(s, d->store, p, json);
        goto out;
    }
    text = ctl_apply_normalise_question(a.text, &error);
    if (text == NULL) {
        invalid(d, s, json, p, &a, error->message);
        goto out;
    }
    client = ctl_access_client_address(d->access, s->wsi);
    if (!ctl_rate_limit_take(d->limit, client, g_get_monotonic_time())) {
        reply_rate_limited(s, json);
        goto out;
    }
    gint64 id = ctl_store_add_question(d->store, p->id, text, &error);
    if (id == 0) {
        g_message("control: storing a question failed: %s", error->message);
        if (json)
            ctl_reply_error(s, 500, "internal", NULL, "服务器内部错误，请稍后再试");
        else
            ctl_reply_message(s, 500, "出错了", "问题没有保存成功，请稍后再试。");
        goto out;
    }
    stored(d, s, json, &a, id);
out:
    asked_clear(&a);
}
