/* ctl_reply: composing HTTP responses (see ctl_reply.h).
 *
 * Main thread only. Every response says nosniff; pages and JSON are never cached. */
#include "ctl_reply.h"

#include <string.h>

#include "ctl_apply.h"
#include "ctl_rpc.h"
#include "jc_error.h"

#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"

void ctl_reply_header(CtlSession *s, const char *name, const char *value)
{
    CtlHttpSession *h = &s->http;
    if (h->headers == NULL)
        h->headers = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(h->headers, g_strdup(name));
    g_ptr_array_add(h->headers, g_strdup(value));
}

void ctl_reply(CtlSession *s, guint status, const char *content_type, GBytes *body)
{
    CtlHttpSession *h = &s->http;
    h->responding = TRUE;
    h->status = status;
    h->content_type = g_strdup(content_type);
    h->out = body != NULL ? body : g_bytes_new_static("", 0);
    ctl_reply_header(s, "x-content-type-options:", "nosniff");
    lws_callback_on_writable(s->wsi);
}

void ctl_reply_html(CtlSession *s, guint status, char *html)
{
    ctl_reply_header(s, "cache-control:", "no-store");
    ctl_reply_header(s, "content-security-policy:", CSP);
    ctl_reply_header(s, "referrer-policy:", "no-referrer");
    ctl_reply(s, status, CTL_HTML_TYPE, g_bytes_new_take(html, strlen(html)));
}

void ctl_reply_message(CtlSession *s, guint status, const char *heading, const char *message)
{
    ctl_reply_html(s, status, ctl_apply_message_page(heading, message));
}

void ctl_reply_json(CtlSession *s, guint status, JsonNode *node)
{
    char *text = ctl_json_to_string(node);
    json_node_unref(node);
    ctl_reply_header(s, "cache-control:", "no-store");
    ctl_reply(s, status, CTL_JSON_TYPE, g_bytes_new_take(text, strlen(text)));
}

void ctl_reply_error(CtlSession *s, guint status, const char *code, const char *field,
                     const char *message)
{
    JsonObject *e = json_object_new();
    json_object_set_string_member(e, "code", code);
    if (field != NULL)
        json_object_set_string_member(e, "field", field);
    else
        json_object_set_null_member(e, "field");
    json_object_set_string_member(e, "message", message);
    JsonObject *o = json_object_new();
    json_object_set_object_member(o, "error", e);
    ctl_reply_json(s, status, ctl_json_object_node(o));
}

void ctl_reply_redirect(CtlSession *s, const char *location)
{
    ctl_reply_header(s, "location:", location);
    ctl_reply_header(s, "cache-control:", "no-store");
    ctl_reply(s, 303, "text/plain; charset=utf-8", NULL);
}

void ctl_reply_text(CtlSession *s, guint status, const char *type, char *text)
{
    ctl_reply_header(s, "cache-control:", "no-store");
    ctl_reply(s, status, type, g_bytes_new_take(text, strlen(text)));
}

void ctl_reply_not_found(CtlSession *s)
{
    ctl_reply_message(s, 404, "页面不存在",
                      "这个链接已经失效或者输入有误。请重新扫描直播间里的二维码。");
}

static void retry_after(CtlSession *s, guint seconds)
{
    char text[16];
    g_snprintf(text, sizeof text, "%u", seconds);
    ctl_reply_header(s, "retry-after:", text);
}

void ctl_reply_locked_out(CtlSession *s, guint seconds)
{
    retry_after(s, seconds);
    ctl_reply_message(s, 429, "尝试次数太多",
                      "错误的登录尝试太多，请稍后再试。Too many wrong sign-ins; try again later.");
}

void ctl_reply_auth_needed(CtlSession *s, const CtlWho *who)
{
    if (who->retry_after > 0) {
        retry_after(s, who->retry_after);
        ctl_reply_error(s, 429, "locked_out", NULL,
                        "too many wrong credentials from this address; try again later");
    } else if (who->role == CTL_ROLE_NONE)
        ctl_reply_error(s, 401, "auth", NULL, "credentials required");
    else if (who->role == CTL_ROLE_OVERLAY)
        ctl_reply_error(s, 403, "forbidden", NULL, "an overlay reads the overlay's layers only");
    else
        ctl_reply_error(s, 403, "forbidden", NULL, "this needs the producer role");
}

static const struct {
    const char *suffix;
    const char *type;
} mime_types[] = {
    {".html", CTL_HTML_TYPE},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".json", CTL_JSON_TYPE},
    {".png", "image/png"},
    {".svg", "image/svg+xml"},
};

static void serve_resource(CtlSession *s, const char *name, const char *csp)
{
    const char *type = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(mime_types) && type == NULL; i++) {
        if (g_str_has_suffix(name, mime_types[i].suffix))
            type = mime_types[i].type;
    }
    if (type == NULL || name[0] == '.' || strchr(name, '/') != NULL || strchr(name, '\\') != NULL) {
        ctl_reply_not_found(s);
        return;
    }
    g_autofree char *path = g_strconcat("/jobcast/web/", name, NULL);
    GBytes *bytes = g_resources_lookup_data(path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    if (bytes == NULL) {
        ctl_reply_not_found(s);
        return;
    }
    ctl_reply_header(s, "cache-control:", "no-cache");
    if (g_str_has_suffix(name, ".html")) {
        ctl_reply_header(s, "content-security-policy:", csp);
        ctl_reply_header(s, "cache-control:", "no-store");
    }
    ctl_reply(s, 200, type, bytes);
}

void ctl_reply_resource(CtlSession *s, const char *name)
{
    serve_resource(s, name, CSP);
}

void ctl_reply_private_page(CtlSession *s, const char *name)
{
    ctl_reply_header(s, "x-frame-options:", "DENY");
    serve_resource(s, name, CSP "; frame-ancestors 'none'");
}

CtlPosting *ctl_reply_posting_or_fail(CtlStore *store, CtlSession *s, gint64 id, gboolean json)
{
    g_autoptr(GError) error = NULL;
    CtlPosting *p = id > 0 ? ctl_store_get_posting(store, id, &error) : NULL;
    if (p != NULL)
        return p;
    if (error != NULL && !g_error_matches(error, JC_ERROR, JC_ERROR_NOT_FOUND)) {
        g_message("control: reading posting %" G_GINT64_FORMAT ": %s", id, error->message);
        if (json)
            ctl_reply_error(s, 500, "internal", NULL, "服务器内部错误，请稍后再试");
        else
            ctl_reply_message(s, 500, "出错了", "服务器暂时出了问题，请稍后再试。");
        return NULL;
    }
    if (json)
        ctl_reply_error(s, 404, "not_found", "posting_id", "这个岗位不存在");
    else
        ctl_reply_not_found(s);
    return NULL;
}

void ctl_reply_posting_closed(CtlSession *s, CtlStore *store, const CtlPosting *p, gboolean json)
{
    if (json) {
        ctl_reply_error(s, 410, "closed", "posting_id", "这个岗位已停止报名");
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) open = ctl_store_list_postings(store, &error);
    if (open == NULL)
        g_message("control: listing postings: %s", error->message);
    ctl_reply_html(s, 410, ctl_apply_closed_page(p, open));
}
