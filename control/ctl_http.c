/* ctl_http: the HTTP side of the control server: routing, request bodies, viewer sign-ups,
 * producer login, card previews and the static files, answered through libwebsockets.
 *
 * Main thread only (lws on the GLib loop). Each connection's CtlHttpSession holds one request
 * at a time; a response is composed whole into the session and written only from
 * LWS_CALLBACK_HTTP_WRITEABLE (headers first, then the body in chunks).
 *
 * A sign-up is answered only once the store reports it durable. Meanwhile the connection just
 * waits, holding a CtlApplyTicket that is shared with the store's callback. The ticket outlives
 * whichever side goes first: a connection that closes clears ticket->session, a control that
 * is freed clears ticket->control, and the store's callback (which always runs exactly once)
 * drops the last ref. So neither a wsi nor the control is touched after it is gone. Password
 * checks (CtlLoginTicket) and card previews (CtlCardTicket) wait for a GTask worker the same
 * way. */
#include "ctl_server.h"

#include <string.h>

#include "jc_error.h"
#include "jc_text.h"

#define HEADER_BUF 2048
#define CHUNK 4096
#define SMALL_BODY 1024 /* bytes: sent together with the headers */
#define PATH_MAX_LEN 512
#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
#define HTML_TYPE "text/html; charset=utf-8"
#define JSON_TYPE "application/json; charset=utf-8"

struct CtlApplyTicket {
    int ref;             /* main thread only: one for the waiting session (until it closes or
                            is answered), one for the store (until done runs) */
    CtlControl *control; /* borrowed; NULL once the control is freed. While set, the ticket
                            is in control->tickets (borrowed there) */
    CtlSession *session; /* borrowed; NULL once the connection closed */
    gboolean json;       /* answer in JSON (else redirect / HTML) */
    gint64 posting_id;
    char *name;  /* owned, normalised */
    char *phone; /* owned, normalised */
};

static void ticket_unref(CtlApplyTicket *t)
{
    if (--t->ref > 0)
        return;
    g_free(t->name);
    g_free(t->phone);
    g_free(t);
}

/* Drops the session's side of a ticket; the store's ref keeps it alive. */
static void ticket_detach_session(CtlApplyTicket *t)
{
    if (t->session == NULL)
        return;
    t->session->http.ticket = NULL;
    t->session = NULL;
    ticket_unref(t);
}

void ctl_http_ticket_orphan(CtlApplyTicket *t)
{
    t->control = NULL;
    ticket_detach_session(t);
}

/* A password check in flight. The argon2id verification runs on a GTask worker thread (it
 * takes a fraction of a second and 64 MiB: never on main). The worker reads only hash and
 * password and writes only ok; everything else is main's, and main reads ok only in the
 * completion callback, after GTask handed the result back (its happens-before). */
struct CtlLoginTicket {
    int ref;             /* main only: the session's (until closed/answered), the task's */
    CtlControl *control; /* borrowed, NULL once freed (then not in control->logins) */
    CtlSession *session; /* borrowed, NULL once the connection closed */
    CtlRole role;        /* the account's role */
    char *hash;          /* owned, may be NULL (unknown name: a dummy check runs anyway) */
    char *password;      /* owned, wiped and freed after the check */
    gboolean ok;         /* worker's result */
};

static void login_unref(CtlLoginTicket *t)
{
    if (--t->ref > 0)
        return;
    g_free(t->hash);
    if (t->password != NULL) {
        memset(t->password, 0, strlen(t->password));
        g_free(t->password);
    }
    g_free(t);
}

static void login_detach_session(CtlLoginTicket *t)
{
    if (t->session == NULL)
        return;
    t->session->http.login = NULL;
    t->session = NULL;
    login_unref(t);
}

void ctl_http_login_orphan(CtlLoginTicket *t)
{
    t->control = NULL;
    login_detach_session(t);
}

/* A card preview being drawn (GET/POST /api/card.png). Like a password check, the work runs
 * on a GTask worker (a PNG takes tens of milliseconds: bench/bench-card.sh): main fills
 * everything but png/error before g_task_run_in_thread; the worker reads those and writes only
 * png and error; main reads them only in the completion callback. */
struct CtlCardTicket {
    int ref;             /* main only: the session's (until closed/answered), the task's */
    CtlControl *control; /* borrowed, NULL once freed (then not in control->cards) */
    CtlSession *session; /* borrowed, NULL once the connection closed */
    CtlCardFunc fn;      /* with fn_data: copied from the control (immutable, static data) */
    gpointer fn_data;
    CtlPosting *posting; /* owned */
    char *apply_url;     /* owned */
    char *layout;        /* owned */
    gint64 signups;
    GBytes *png;   /* worker's result (owned), or NULL with error */
    GError *error; /* worker's result (owned) */
};

static void card_unref(CtlCardTicket *t)
{
    if (--t->ref > 0)
        return;
    ctl_posting_free(t->posting);
    g_free(t->apply_url);
    g_free(t->layout);
    g_clear_pointer(&t->png, g_bytes_unref);
    g_clear_error(&t->error);
    g_free(t);
}

static void card_detach_session(CtlCardTicket *t)
{
    if (t->session == NULL)
        return;
    t->session->http.card = NULL;
    t->session = NULL;
    card_unref(t);
}

void ctl_http_card_orphan(CtlCardTicket *t)
{
    t->control = NULL;
    card_detach_session(t);
}

/* Forgets the current request and response; the connection may carry another. */
static void session_reset(CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    if (h->ticket != NULL)
        ticket_detach_session(h->ticket); /* the client went away before the store answered */
    if (h->login != NULL)
        login_detach_session(h->login);
    if (h->card != NULL)
        card_detach_session(h->card);
    g_clear_pointer(&h->path, g_free);
    if (h->body != NULL)
        g_string_free(h->body, TRUE);
    g_clear_pointer(&h->content_type, g_free);
    g_clear_pointer(&h->headers, g_ptr_array_unref);
    g_clear_pointer(&h->out, g_bytes_unref);
    memset(h, 0, sizeof *h);
}

/* ---- composing responses ---- */

static void add_header(CtlSession *s, const char *name, const char *value)
{
    CtlHttpSession *h = &s->http;
    if (h->headers == NULL)
        h->headers = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(h->headers, g_strdup(name));
    g_ptr_array_add(h->headers, g_strdup(value));
}

/* Sets the response (body: transfer full, may be NULL) and asks for a writeable callback. */
static void respond(CtlSession *s, guint status, const char *content_type, GBytes *body)
{
    CtlHttpSession *h = &s->http;
    h->responding = TRUE;
    h->status = status;
    h->content_type = g_strdup(content_type);
    h->out = body != NULL ? body : g_bytes_new_static("", 0);
    add_header(s, "x-content-type-options:", "nosniff");
    lws_callback_on_writable(s->wsi);
}

static void respond_html(CtlSession *s, guint status, char *html)
{
    add_header(s, "cache-control:", "no-store");
    add_header(s, "content-security-policy:", CSP);
    add_header(s, "referrer-policy:", "no-referrer");
    respond(s, status, HTML_TYPE, g_bytes_new_take(html, strlen(html)));
}

static void respond_message(CtlSession *s, guint status, const char *heading, const char *message)
{
    respond_html(s, status, ctl_apply_message_page(heading, message));
}

static void respond_json(CtlSession *s, guint status, JsonNode *node)
{
    char *text = ctl_json_to_string(node);
    json_node_unref(node);
    add_header(s, "cache-control:", "no-store");
    respond(s, status, JSON_TYPE, g_bytes_new_take(text, strlen(text)));
}

static void respond_redirect(CtlSession *s, const char *location)
{
    add_header(s, "location:", location);
    add_header(s, "cache-control:", "no-store");
    respond(s, 303, "text/plain; charset=utf-8", NULL);
}

/* {"error":{"code":..., "field":..., "message":...}}; field NULL is sent as null. */
static JsonNode *error_json(const char *code, const char *field, const char *message)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "code");
    json_builder_add_string_value(b, code);
    json_builder_set_member_name(b, "field");
    if (field != NULL)
        json_builder_add_string_value(b, field);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "message");
    json_builder_add_string_value(b, message);
    json_builder_end_object(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static void respond_not_found(CtlSession *s)
{
    respond_message(s, 404, "页面不存在",
                    "这个链接已经失效或者输入有误。请重新扫描直播间里的二维码。");
}

/* ---- writing ---- */

static int finish(CtlSession *s)
{
    gboolean close_after = s->http.close_after;
    session_reset(s);
    if (close_after)
        return -1;
    if (lws_http_transaction_completed(s->wsi))
        return -1;
    return 0;
}

static int write_headers(CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    guint8 buf[LWS_PRE + HEADER_BUF + SMALL_BODY];
    guint8 *start = buf + LWS_PRE;
    guint8 *p = start;
    guint8 *end = buf + LWS_PRE + HEADER_BUF - 1;
    gsize total = 0;
    const guint8 *body = g_bytes_get_data(h->out, &total);

    if (lws_add_http_common_headers(s->wsi, h->status, h->content_type, total, &p, end))
        return -1;
    for (guint i = 0; h->headers != NULL && i + 1 < h->headers->len; i += 2) {
        const char *name = g_ptr_array_index(h->headers, i);
        const char *value = g_ptr_array_index(h->headers, i + 1);
        if (lws_add_http_header_by_name(s->wsi, (const guchar *)name, (const guchar *)value,
                                        (int)strlen(value), &p, end))
            return -1;
    }
    if (total > 0 && total <= SMALL_BODY) {
        /* A small answer (a sign-up's JSON, a redirect) goes out with its headers in one send:
         * one syscall and one TCP segment instead of two, and no second writeable round trip.
         * HTTP/1.1 only (jobcast serves no h2): the bytes are written raw, as headers are. */
        if (lws_finalize_http_header(s->wsi, &p, end))
            return -1;
        memcpy(p, body, total);
        p += total;
        int n = (int)(p - start);
        if (lws_write(s->wsi, start, (size_t)n, LWS_WRITE_HTTP_HEADERS) != n)
            return -1;
        h->headers_sent = TRUE;
        h->out_sent = total;
        return finish(s);
    }
    if (lws_finalize_write_http_header(s->wsi, start, &p, end))
        return -1;
    h->headers_sent = TRUE;
    if (total == 0)
        return finish(s);
    lws_callback_on_writable(s->wsi);
    return 0;
}

static int write_response(CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    if (!h->responding)
        return 0;
    if (!h->headers_sent)
        return write_headers(s);

    gsize total = 0;
    const guint8 *data = g_bytes_get_data(h->out, &total);
    gsize n = MIN((gsize)CHUNK, total - h->out_sent);
    gboolean final = h->out_sent + n == total;
    guint8 buf[LWS_PRE + CHUNK];
    memcpy(buf + LWS_PRE, data + h->out_sent, n);
    int wrote = lws_write(s->wsi, buf + LWS_PRE, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP);
    if (wrote < 0 || (gsize)wrote != n)
        return -1;
    h->out_sent += n;
    if (final)
        return finish(s);
    lws_callback_on_writable(s->wsi);
    return 0;
}

/* ---- GET routes ---- */

static void get_healthz(CtlControl *c, CtlSession *s)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "status");
    json_builder_add_string_value(b, c->pipeline_ready ? "ok" : "starting");
    json_builder_end_object(b);
    respond_json(s, c->pipeline_ready ? 200 : 503, json_builder_get_root(b));
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

static CtlPosting *lookup_posting(CtlControl *c, CtlSession *s, gint64 id, gboolean json)
{
    g_autoptr(GError) error = NULL;
    CtlPosting *p = id > 0 ? ctl_store_get_posting(c->store, id, &error) : NULL;
    if (p != NULL)
        return p;
    if (error != NULL && !g_error_matches(error, JC_ERROR, JC_ERROR_NOT_FOUND)) {
        g_message("control: reading posting %" G_GINT64_FORMAT ": %s", id, error->message);
        if (json)
            respond_json(s, 500, error_json("internal", NULL, "服务器内部错误，请稍后再试"));
        else
            respond_message(s, 500, "出错了", "服务器暂时出了问题，请稍后再试。");
        return NULL;
    }
    if (json)
        respond_json(s, 404, error_json("not_found", "posting_id", "这个岗位不存在"));
    else
        respond_not_found(s);
    return NULL;
}

/* /a/ID and /a/ID/thanks?s=N[&dup=1] */
static void get_apply(CtlControl *c, CtlSession *s, const char *tail)
{
    const char *rest = NULL;
    gint64 id = parse_id(tail, &rest);
    gboolean thanks = g_ascii_strcasecmp(rest, "/thanks") == 0;
    if (id <= 0 || (rest[0] != '\0' && !thanks)) {
        respond_not_found(s);
        return;
    }
    g_autoptr(CtlPosting) p = lookup_posting(c, s, id, FALSE);
    if (p == NULL)
        return;
    if (!thanks) {
        ctl_control_count_open(c, p->id);
        g_autofree char *ref =
            ctl_control_make_ref(c, p->id, c->studio.show_live ? c->studio.show_id : 0);
        respond_html(s, 200, ctl_apply_page_ref(p, NULL, NULL, NULL, ref));
        return;
    }
    char buf[64];
    const char *sid = lws_get_urlarg_by_name(s->wsi, "s=", buf, sizeof buf);
    gint64 signup_id = sid != NULL ? g_ascii_strtoll(sid, NULL, 10) : 0;
    char dbuf[16];
    gboolean dup = lws_get_urlarg_by_name(s->wsi, "dup=", dbuf, sizeof dbuf) != NULL;
    respond_html(s, 200, ctl_apply_thanks_page(p, signup_id, dup));
}

/* The client's address (behind --trusted-proxy proxies: from X-Forwarded-For). (transfer full) */
static char *client_address(CtlControl *c, struct lws *wsi)
{
    char addr[64] = "";
    lws_get_peer_simple(wsi, addr, sizeof addr);
    char xff[512];
    gboolean has_xff = c->trusted_proxies != NULL &&
                       lws_hdr_copy(wsi, xff, sizeof xff, WSI_TOKEN_X_FORWARDED_FOR) > 0;
    return ctl_client_address(addr, has_xff ? xff : NULL, (const char *const *)c->trusted_proxies);
}

static void respond_session(CtlControl *c, CtlSession *s, CtlRole role);
static void serve_resource(CtlSession *s, const char *name);

static void get_login(CtlControl *c, CtlSession *s)
{
    /* No token at all: the name + password form (POST /login); showing it costs no attempt. */
    char probe[512];
    if (lws_get_urlarg_by_name(s->wsi, "token=", probe, sizeof probe) == NULL &&
        lws_hdr_total_length(s->wsi, WSI_TOKEN_HTTP_URI_ARGS) <= 0) {
        serve_resource(s, "login.html");
        return;
    }
    g_autofree char *client = client_address(c, s->wsi);
    if (!ctl_rate_limit_take(c->login_limit, client, g_get_monotonic_time())) {
        respond_message(s, 429, "尝试次数太多", "Too many login attempts; wait a minute.");
        return;
    }
    char buf[512];
    const char *token = lws_get_urlarg_by_name(s->wsi, "token=", buf, sizeof buf);
    CtlRole role = token != NULL ? ctl_http_bearer_role(c, token) : CTL_ROLE_NONE;
    if (role == CTL_ROLE_NONE) {
        respond_message(s, 401, "需要登录",
                        "请打开 jobcast 启动时打印的控制台链接（含 token）。"
                        "Open the control link that jobcast printed when it started.");
        return;
    }
    respond_session(c, s, role);
}

CtlRole ctl_http_session_role(CtlControl *c, struct lws *wsi)
{
    char buf[128];
    size_t max = sizeof buf;
    if (lws_http_cookie_get(wsi, CTL_AUTH_COOKIE, buf, &max) != 0)
        return CTL_ROLE_NONE;
    return (CtlRole)ctl_auth_session_role(c->auth, buf);
}

gboolean ctl_http_session_cookie_valid(CtlControl *c, struct lws *wsi)
{
    return ctl_http_session_role(c, wsi) != CTL_ROLE_NONE;
}

CtlRole ctl_http_bearer_role(CtlControl *c, const char *token)
{
    if (token == NULL || token[0] == '\0' || strlen(token) > 256)
        return CTL_ROLE_NONE;
    if (ctl_auth_check_token(c->auth, token))
        return CTL_ROLE_PRODUCER;
    g_autofree char *hash = ctl_auth_token_hash(token);
    g_autoptr(GError) error = NULL;
    CtlAccount *a = ctl_store_account_by_token(c->store, hash, &error);
    if (a == NULL) {
        if (error != NULL)
            g_message("control: checking a token: %s", error->message);
        return CTL_ROLE_NONE;
    }
    CtlRole role = strcmp(a->role, "producer") == 0 ? CTL_ROLE_PRODUCER : CTL_ROLE_HOST;
    ctl_account_free(a);
    return role;
}

/* The role of an HTTP request: its bearer token if it has an Authorization header (a wrong one
 * never falls back to the cookie), else its session cookie. */
static CtlRole request_role(CtlControl *c, struct lws *wsi)
{
    char authz[512];
    int n = lws_hdr_copy(wsi, authz, sizeof authz, WSI_TOKEN_HTTP_AUTHORIZATION);
    if (n != 0) {
        if (n > 0 && g_ascii_strncasecmp(authz, "Bearer ", 7) == 0)
            return ctl_http_bearer_role(c, g_strstrip(authz + 7));
        return CTL_ROLE_NONE;
    }
    return ctl_http_session_role(c, wsi);
}

gboolean ctl_http_same_origin(struct lws *wsi)
{
    char origin[256];
    char host[256];
    if (lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) <= 0)
        return FALSE;
    if (lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0)
        return FALSE;
    /* https too: behind a TLS-terminating proxy the page is https://HOST (docs/deploy.md). */
    g_autofree char *plain = g_strconcat("http://", host, NULL);
    g_autofree char *tls = g_strconcat("https://", host, NULL);
    return g_ascii_strcasecmp(origin, plain) == 0 || g_ascii_strcasecmp(origin, tls) == 0;
}

static const struct {
    const char *suffix;
    const char *type;
} mime_types[] = {
    {".html", HTML_TYPE},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".json", JSON_TYPE},
    {".png", "image/png"},
    {".svg", "image/svg+xml"},
};

/* Serves /jobcast/web/NAME; only plain names with a known type (no '/', no leading '.'). */
static void serve_resource(CtlSession *s, const char *name)
{
    const char *type = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(mime_types) && type == NULL; i++) {
        if (g_str_has_suffix(name, mime_types[i].suffix))
            type = mime_types[i].type;
    }
    if (type == NULL || name[0] == '.' || strchr(name, '/') != NULL || strchr(name, '\\') != NULL) {
        respond_not_found(s);
        return;
    }
    g_autofree char *path = g_strconcat("/jobcast/web/", name, NULL);
    GBytes *bytes = g_resources_lookup_data(path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    if (bytes == NULL) {
        respond_not_found(s);
        return;
    }
    add_header(s, "cache-control:", "no-cache");
    if (g_str_has_suffix(name, ".html")) {
        add_header(s, "content-security-policy:", CSP);
        add_header(s, "cache-control:", "no-store");
    }
    respond(s, 200, type, bytes);
}

static void get_control(CtlControl *c, CtlSession *s)
{
    CtlRole role = ctl_http_session_role(c, s->wsi);
    if (role == CTL_ROLE_NONE) {
        respond_redirect(s, "/login");
        return;
    }
    if (role != CTL_ROLE_PRODUCER) {
        respond_redirect(s, "/host");
        return;
    }
    serve_resource(s, "control.html");
}

static void get_host(CtlControl *c, CtlSession *s)
{
    if (ctl_http_session_role(c, s->wsi) == CTL_ROLE_NONE) {
        respond_redirect(s, "/login");
        return;
    }
    serve_resource(s, "host.html");
}

static void respond_auth_needed(CtlSession *s, CtlRole role)
{
    if (role == CTL_ROLE_NONE)
        respond_json(s, 401, error_json("auth", NULL, "credentials required"));
    else
        respond_json(s, 403, error_json("forbidden", NULL, "this needs the producer role"));
}

static void get_preview(CtlControl *c, CtlSession *s)
{
    CtlRole role = request_role(c, s->wsi);
    if (role == CTL_ROLE_NONE) {
        respond_auth_needed(s, role);
        return;
    }
    gint64 seq = 0;
    GBytes *jpeg = c->preview_fn != NULL ? c->preview_fn(c->preview_data, &seq) : NULL;
    if (jpeg == NULL) {
        add_header(s, "cache-control:", "no-store");
        respond_json(s, 404, error_json("not_found", NULL, "no preview frame yet"));
        return;
    }
    char seqs[32];
    g_snprintf(seqs, sizeof seqs, "%" G_GINT64_FORMAT, seq);
    add_header(s, "cache-control:", "no-store");
    add_header(s, "x-frame-seq:", seqs);
    respond(s, 200, "image/jpeg", jpeg);
}

/* ---- GET/POST /api/card.png: a card as it would go on air ---- */

#define CARDS_IN_FLIGHT_MAX 4 /* more at once: 503 (an editor sends one at a time) */

static void card_worker(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    CtlCardTicket *t = data;
    CtlCardRequest req = {
        .posting = t->posting,
        .apply_url = t->apply_url,
        .signups = t->signups,
        .layout = t->layout,
    };
    t->png = t->fn(&req, t->fn_data, &t->error);
    if (t->png == NULL && t->error == NULL)
        g_set_error_literal(&t->error, JC_ERROR, JC_ERROR_RENDER, "the card was not drawn");
    g_task_return_boolean(task, TRUE);
}

static void card_done(GObject *source, GAsyncResult *res, gpointer data)
{
    CtlCardTicket *t = data;
    CtlControl *c = t->control;
    if (c != NULL)
        g_hash_table_remove(c->cards, t);
    CtlSession *s = t->session;
    if (c != NULL && s != NULL) {
        card_detach_session(t);
        if (t->png != NULL) {
            add_header(s, "cache-control:", "no-store");
            respond(s, 200, "image/png", g_bytes_ref(t->png));
        } else {
            /* The overlay refused the words (e.g. a frame too small to read): the editor shows
             * the message. */
            respond_json(s, 422, error_json("render", NULL, t->error->message));
        }
    }
    card_unref(t); /* the task's */
}

/* Starts drawing posting (transfer full) for s; answers 503 when too many are in flight. */
static void card_start(CtlControl *c, CtlSession *s, CtlPosting *posting, gint64 signups)
{
    if (g_hash_table_size(c->cards) >= CARDS_IN_FLIGHT_MAX) {
        ctl_posting_free(posting);
        add_header(s, "retry-after:", "1");
        respond_json(s, 503, error_json("busy", NULL, "too many card previews at once"));
        return;
    }
    CtlCardTicket *t = g_new0(CtlCardTicket, 1);
    t->ref = 2; /* the session's and the task's */
    t->control = c;
    t->session = s;
    t->fn = c->card_fn;
    t->fn_data = c->card_data;
    t->posting = posting;
    t->apply_url = ctl_control_apply_url(c, posting->id);
    t->layout = g_strdup(c->studio.layout != NULL ? c->studio.layout : "16:9");
    t->signups = signups;
    s->http.card = t;
    g_hash_table_add(c->cards, t);
    GTask *task = g_task_new(NULL, NULL, card_done, t);
    g_task_set_task_data(task, t, NULL);
    g_task_run_in_thread(task, card_worker);
    g_object_unref(task);
}

/* GET /api/card.png?posting_id=N: a saved posting's card, for producers and hosts. */
static void get_card(CtlControl *c, CtlSession *s)
{
    CtlRole role = request_role(c, s->wsi);
    if (role == CTL_ROLE_NONE) {
        respond_auth_needed(s, role);
        return;
    }
    if (c->card_fn == NULL) {
        respond_json(s, 404, error_json("not_found", NULL, "no card renderer"));
        return;
    }
    char buf[32];
    const char *arg = lws_get_urlarg_by_name(s->wsi, "posting_id=", buf, sizeof buf);
    guint64 id = 0;
    if (arg == NULL || !g_ascii_string_to_unsigned(arg, 10, 1, G_MAXINT64, &id, NULL)) {
        respond_json(s, 400, error_json("invalid", "posting_id", "posting_id: a positive integer"));
        return;
    }
    CtlPosting *p = lookup_posting(c, s, (gint64)id, TRUE);
    if (p != NULL)
        card_start(c, s, p, MAX(ctl_store_count_signups(c->store, p->id, NULL), 0));
}

/* The field an "invalid params" message names ("pay_max: must be >= pay_min"), or NULL.
 * (transfer full) */
static char *field_of(const char *message)
{
    const char *colon = strchr(message, ':');
    if (colon == NULL || colon == message || colon - message > 32)
        return NULL;
    for (const char *p = message; p < colon; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_')
            return NULL;
    }
    return g_strndup(message, (gsize)(colon - message));
}

/* POST /api/card.png: the producer's unsaved draft (a JSON object of posting fields as
 * postings.create takes them; with posting_id, over that saved posting). Producers only; a
 * request riding the session cookie must come from this server's own page (Origin). Invalid
 * fields: 400 naming the field, exactly as postings.create would. */
static void post_card(CtlControl *c, CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    char authz[8];
    gboolean bearer = lws_hdr_copy(s->wsi, authz, sizeof authz, WSI_TOKEN_HTTP_AUTHORIZATION) != 0;
    CtlRole role = request_role(c, s->wsi);
    if (role != CTL_ROLE_PRODUCER) {
        respond_auth_needed(s, role);
        return;
    }
    if (!bearer && !ctl_http_same_origin(s->wsi)) {
        respond_json(s, 403, error_json("forbidden", NULL, "cross-origin request refused"));
        return;
    }
    if (c->card_fn == NULL) {
        respond_json(s, 404, error_json("not_found", NULL, "no card renderer"));
        return;
    }
    if (h->too_large) {
        respond_json(s, 413, error_json("too_large", NULL, "request body over 16384 bytes"));
        return;
    }
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    const char *body = h->body != NULL ? h->body->str : "";
    gsize len = h->body != NULL ? h->body->len : 0;
    if (ctl_json_shape(body, len, CTL_JSON_MAX_DEPTH) != CTL_JSON_PLAIN ||
        !json_parser_load_from_data(parser, body, (gssize)len, &error) ||
        json_parser_get_root(parser) == NULL ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        respond_json(s, 400, error_json("invalid", NULL, "send a JSON object of posting fields"));
        return;
    }
    JsonObject *fields = json_node_get_object(json_parser_get_root(parser));
    gint64 id = 0;
    if (!ctl_param_id(fields, "posting_id", TRUE, &id, &error)) {
        respond_json(s, 400, error_json("invalid", "posting_id", error->message));
        return;
    }
    g_autoptr(CtlPosting) base = NULL;
    if (id > 0 && (base = lookup_posting(c, s, id, TRUE)) == NULL)
        return;
    CtlPosting *draft = ctl_posting_from_params(fields, base, &error);
    if (draft == NULL) {
        g_autofree char *field = field_of(error->message);
        respond_json(s, 400, error_json("invalid", field, error->message));
        return;
    }
    draft->id = id;
    card_start(c, s, draft, id > 0 ? MAX(ctl_store_count_signups(c->store, id, NULL), 0) : 0);
}

/* GET /api/export.csv?employer=NAME[&show_id=N]: one employer's applicants, producers only. */
static void get_export(CtlControl *c, CtlSession *s)
{
    CtlRole role = request_role(c, s->wsi);
    if (role != CTL_ROLE_PRODUCER) {
        respond_auth_needed(s, role);
        return;
    }
    char ebuf[256];
    const char *employer = lws_get_urlarg_by_name(s->wsi, "employer=", ebuf, sizeof ebuf);
    if (employer == NULL || employer[0] == '\0') {
        respond_json(s, 400, error_json("invalid", "employer", "employer: required"));
        return;
    }
    char sbuf[32];
    const char *show = lws_get_urlarg_by_name(s->wsi, "show_id=", sbuf, sizeof sbuf);
    guint64 show_id = 0;
    if (show != NULL && !g_ascii_string_to_unsigned(show, 10, 0, G_MAXINT64, &show_id, NULL)) {
        respond_json(s, 400, error_json("invalid", "show_id", "show_id: a positive integer"));
        return;
    }
    g_autoptr(GError) error = NULL;
    gint64 rows = 0;
    GBytes *csv = ctl_signups_csv(c, employer, (gint64)show_id, &rows, &error);
    if (csv == NULL ||
        !ctl_store_log_export(c->store, "producer", employer, (gint64)show_id, rows, &error)) {
        g_message("control: export: %s", error->message);
        if (csv != NULL)
            g_bytes_unref(csv);
        respond_json(s, 500, error_json("internal", NULL, "export failed"));
        return;
    }
    add_header(s, "cache-control:", "no-store");
    add_header(s, "content-disposition:", "attachment; filename=\"signups.csv\"");
    respond(s, 200, "text/csv; charset=utf-8", csv);
}

/* Paths the public listener serves when an admin listener takes the rest. */
static gboolean public_path(const char *path)
{
    return strcmp(path, "/healthz") == 0 || g_ascii_strncasecmp(path, "/a/", 3) == 0 ||
           strcmp(path, "/api/apply") == 0 || g_str_has_prefix(path, "/static/");
}

gboolean ctl_http_admin_allowed(CtlControl *c, struct lws *wsi)
{
    return c->admin_vhost == NULL || lws_get_vhost(wsi) == c->admin_vhost;
}

static void route_get(CtlControl *c, CtlSession *s, const char *path)
{
    if (!public_path(path) && !ctl_http_admin_allowed(c, s->wsi))
        respond_not_found(s);
    else if (strcmp(path, "/healthz") == 0)
        get_healthz(c, s);
    else if (g_ascii_strncasecmp(path, "/a/", 3) == 0)
        get_apply(c, s, path + 3);
    else if (strcmp(path, "/login") == 0)
        get_login(c, s);
    else if (strcmp(path, "/control") == 0)
        get_control(c, s);
    else if (strcmp(path, "/host") == 0)
        get_host(c, s);
    else if (strcmp(path, "/metrics") == 0)
        ctl_control_metrics(c, s);
    else if (strcmp(path, "/api/preview.jpg") == 0)
        get_preview(c, s);
    else if (strcmp(path, "/api/export.csv") == 0)
        get_export(c, s);
    else if (strcmp(path, "/api/card.png") == 0)
        get_card(c, s);
    else if (g_str_has_prefix(path, "/static/"))
        serve_resource(s, path + strlen("/static/"));
    else
        respond_not_found(s);
}

void ctl_http_respond_text(CtlSession *s, guint status, const char *type, char *text)
{
    add_header(s, "cache-control:", "no-store");
    respond(s, status, type, g_bytes_new_take(text, strlen(text)));
}

/* ---- POST /api/apply ---- */

static void apply_done(gint64 signup_id, gboolean duplicate, const GError *error, gpointer data)
{
    CtlApplyTicket *t = data;
    CtlControl *c = t->control;
    if (c != NULL && error == NULL && !duplicate)
        ctl_control_signup_created(c, t->posting_id, signup_id, t->name, t->phone);

    if (c != NULL)
        g_hash_table_remove(c->tickets, t);
    CtlSession *s = t->session;
    if (s != NULL) {
        ticket_detach_session(t); /* the store's ref still holds t */

        if (error != NULL && g_error_matches(error, JC_ERROR, JC_ERROR_RATE_LIMITED)) {
            if (t->json)
                respond_json(s, 429, error_json("rate_limited", NULL, "提交太频繁，请稍后再试"));
            else
                respond_message(s, 429, "提交太频繁", "请稍等一会儿再提交。");
        } else if (error != NULL) {
            g_message("control: storing a sign-up failed: %s", error->message);
            if (t->json)
                respond_json(s, 500, error_json("internal", NULL, "服务器内部错误，请稍后再试"));
            else
                respond_message(s, 500, "出错了", "报名没有保存成功，请稍后再试。");
        } else if (t->json) {
            /* A JsonObject set directly: a JsonBuilder for two members costs more than the rest
             * of the answer. */
            JsonObject *o = json_object_new();
            json_object_set_int_member(o, "id", signup_id);
            json_object_set_boolean_member(o, "duplicate", duplicate);
            JsonNode *node = json_node_init_object(json_node_alloc(), o);
            json_object_unref(o);
            respond_json(s, duplicate ? 200 : 201, node);
        } else {
            g_autofree char *location =
                g_strdup_printf("/a/%" G_GINT64_FORMAT "/thanks?s=%" G_GINT64_FORMAT "%s",
                                t->posting_id, signup_id, duplicate ? "&dup=1" : "");
            respond_redirect(s, location);
        }
    }
    ticket_unref(t); /* the store's ref */
}

static void invalid_apply(CtlSession *s, gboolean json, const CtlPosting *p,
                          const CtlApplyForm *form, const char *field, const char *message)
{
    if (json)
        respond_json(s, 400, error_json("invalid", field, message));
    else if (p != NULL)
        respond_html(s, 400, ctl_apply_page(p, form, field, message));
    else
        respond_message(s, 400, "提交有误", message);
}

static void post_apply(CtlControl *c, CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    char ctype[128] = "";
    if (lws_hdr_copy(s->wsi, ctype, sizeof ctype, WSI_TOKEN_HTTP_CONTENT_TYPE) < 0)
        ctype[0] = '\0';
    char *semi = strchr(ctype, ';');
    if (semi != NULL)
        *semi = '\0';
    g_strstrip(ctype);
    gboolean json = g_ascii_strcasecmp(ctype, "application/json") == 0;
    gboolean form = g_ascii_strcasecmp(ctype, "application/x-www-form-urlencoded") == 0;

    if (h->too_large) {
        if (form)
            respond_message(s, 413, "内容太长", "提交的内容太长了，请检查后重新提交。");
        else
            respond_json(s, 413, error_json("too_large", NULL, "request body over 16384 bytes"));
        return;
    }
    if (!json && !form) {
        respond_json(s, 415,
                     error_json("unsupported_media_type", NULL,
                                "use application/json or application/x-www-form-urlencoded"));
        return;
    }

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
        p = lookup_posting(c, s, in.posting_id, json);
        if (p == NULL)
            goto out;
    }
    if (!parsed) {
        invalid_apply(s, json, p, &in, field, error->message);
        goto out;
    }
    if (!ctl_apply_validate(&in, &name, &phone, &field, &error)) {
        invalid_apply(s, json, p, &in, field, error->message);
        goto out;
    }

    /* lws listens on a dual-stack socket: IPv4 clients show as IPv4 (ctl_client_address). */
    client = client_address(c, s->wsi);
    if (!ctl_rate_limit_take(c->signup_limit, client, g_get_monotonic_time())) {
        if (json)
            respond_json(s, 429, error_json("rate_limited", NULL, "提交太频繁，请稍后再试"));
        else
            respond_message(s, 429, "提交太频繁", "请稍等一会儿再提交。");
        goto out;
    }
    CtlApplyTicket *t = g_new0(CtlApplyTicket, 1);
    t->ref = 2; /* the session's and the store's */
    t->control = c;
    t->session = s;
    t->json = json;
    t->posting_id = p->id;
    t->name = g_steal_pointer(&name);
    t->phone = g_steal_pointer(&phone);
    h->ticket = t;
    g_hash_table_add(c->tickets, t);
    CtlSignupRequest req = {
        .posting_id = p->id,
        .name = t->name,
        .phone = t->phone,
        .consent = TRUE,
        .client_addr = client[0] != '\0' ? client : NULL,
        .show_id = ctl_control_signup_show(c, p->id, in.ref),
    };
    ctl_control_count_submit(c, p->id);
    ctl_store_add_signup(c->store, &req, apply_done, t);
out:
    ctl_apply_form_clear(&in);
}

/* ---- POST /login (name + password) ---- */

static void login_worker(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    CtlLoginTicket *t = data;
    t->ok = ctl_auth_password_verify(t->hash, t->password);
    g_task_return_boolean(task, TRUE);
}

static void respond_session(CtlControl *c, CtlSession *s, CtlRole role)
{
    g_autofree char *sid = ctl_auth_session_new_role(c->auth, (int)role);
    g_autofree char *cookie =
        g_strdup_printf("%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d", CTL_AUTH_COOKIE,
                        sid, CTL_AUTH_SESSION_SECONDS);
    add_header(s, "set-cookie:", cookie);
    respond_redirect(s, role == CTL_ROLE_PRODUCER ? "/control" : "/host");
}

static void login_done(GObject *source, GAsyncResult *res, gpointer data)
{
    CtlLoginTicket *t = data;
    CtlControl *c = t->control;
    if (c != NULL)
        g_hash_table_remove(c->logins, t);
    CtlSession *s = t->session;
    if (c != NULL && s != NULL) {
        login_detach_session(t);
        if (t->ok)
            respond_session(c, s, t->role);
        else
            respond_message(s, 401, "登录失败", "用户名或密码不对。Wrong name or password.");
    }
    login_unref(t); /* the task's */
}

static void post_login(CtlControl *c, CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    g_autofree char *client = client_address(c, s->wsi);
    if (!ctl_rate_limit_take(c->login_limit, client, g_get_monotonic_time())) {
        respond_message(s, 429, "尝试次数太多", "Too many login attempts; wait a minute.");
        return;
    }
    if (h->too_large || h->body == NULL) {
        respond_message(s, 400, "登录失败", "Bad login form.");
        return;
    }
    g_autoptr(GHashTable) form =
        g_uri_parse_params(h->body->str, (gssize)h->body->len, "&", G_URI_PARAMS_WWW_FORM, NULL);
    const char *name = form != NULL ? g_hash_table_lookup(form, "name") : NULL;
    const char *password = form != NULL ? g_hash_table_lookup(form, "password") : NULL;
    if (name == NULL || password == NULL || strlen(password) > 4 * CTL_AUTH_PASSWORD_MAX) {
        respond_message(s, 400, "登录失败", "Send name and password.");
        return;
    }
    g_autoptr(GError) error = NULL;
    char *hash = NULL;
    CtlAccount *a = ctl_store_account_by_name(c->store, name, &hash, &error);
    if (error != NULL)
        g_message("control: login lookup: %s", error->message);
    CtlLoginTicket *t = g_new0(CtlLoginTicket, 1);
    t->ref = 2; /* the session's and the task's */
    t->control = c;
    t->session = s;
    t->role = a != NULL && strcmp(a->role, "producer") == 0 ? CTL_ROLE_PRODUCER : CTL_ROLE_HOST;
    t->hash = hash; /* NULL for an unknown name: the worker checks a dummy, then says no */
    t->password = g_strdup(password);
    ctl_account_free(a);
    h->login = t;
    g_hash_table_add(c->logins, t);
    GTask *task = g_task_new(NULL, NULL, login_done, t);
    g_task_set_task_data(task, t, NULL);
    g_task_run_in_thread(task, login_worker);
    g_object_unref(task);
}

static void route_post(CtlControl *c, CtlSession *s)
{
    if (s->http.path == NULL || s->http.responding || s->http.login != NULL || s->http.card != NULL)
        return;
    if (strcmp(s->http.path, "/api/apply") == 0)
        post_apply(c, s);
    else if (strcmp(s->http.path, "/api/card.png") == 0 && ctl_http_admin_allowed(c, s->wsi))
        post_card(c, s);
    else if (strcmp(s->http.path, "/login") == 0 && ctl_http_admin_allowed(c, s->wsi))
        post_login(c, s);
    else
        respond_not_found(s);
}

/* ---- the lws callback ---- */

static int on_http(CtlControl *c, CtlSession *s, const char *uri)
{
    session_reset(s);
    CtlHttpSession *h = &s->http;
    if (c->closing)
        return -1;
    h->path = g_strndup(uri, PATH_MAX_LEN);
    h->is_post = lws_hdr_total_length(s->wsi, WSI_TOKEN_POST_URI) > 0;
    if (!h->is_post) {
        if (lws_hdr_total_length(s->wsi, WSI_TOKEN_GET_URI) <= 0) {
            add_header(s, "allow:", "GET, POST");
            respond_message(s, 405, "不支持的请求", "Method not allowed.");
            h->close_after = TRUE;
            return 0;
        }
        route_get(c, s, h->path);
        return 0;
    }

    /* POST: the body follows in HTTP_BODY callbacks, which only come if we return 0 here. */
    char clen[32] = "";
    if (lws_hdr_copy(s->wsi, clen, sizeof clen, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0) {
        respond_json(s, 411, error_json("length_required", NULL, "Content-Length required"));
        h->close_after = TRUE;
        return 0;
    }
    guint64 declared = 0;
    if (!g_ascii_string_to_unsigned(clen, 10, 0, G_MAXUINT64, &declared, NULL))
        declared = G_MAXUINT64;
    if (declared > CTL_HTTP_DRAIN_MAX) {
        /* Too big to be worth reading: answer now and close. */
        h->too_large = TRUE;
        h->close_after = TRUE;
        route_post(c, s);
        return 0;
    }
    h->too_large = declared > CTL_HTTP_BODY_MAX;
    h->body = g_string_sized_new(h->too_large ? 0 : (gsize)declared);
    if (declared == 0)
        route_post(c, s);
    return 0;
}

static void on_body(CtlSession *s, const void *in, size_t len)
{
    CtlHttpSession *h = &s->http;
    if (h->responding || h->body == NULL)
        return;
    h->body_seen += len;
    if (h->body_seen > CTL_HTTP_DRAIN_MAX) {
        h->too_large = TRUE;
        h->close_after = TRUE;
    } else if (h->body_seen > CTL_HTTP_BODY_MAX) {
        h->too_large = TRUE;
    }
    if (!h->too_large)
        g_string_append_len(h->body, in, (gssize)len);
}

int ctl_http_callback(CtlControl *c, struct lws *wsi, enum lws_callback_reasons reason,
                      CtlSession *s, void *in, size_t len)
{
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        s->wsi = wsi;
        return on_http(c, s, in);
    case LWS_CALLBACK_HTTP_BODY:
        on_body(s, in, len);
        if (s->http.close_after)
            route_post(c, s);
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (s->http.ticket == NULL && s->http.login == NULL && s->http.card == NULL)
            route_post(c, s);
        return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return write_response(s);
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (s != NULL)
            session_reset(s);
        return 0;
    default:
        return 0;
    }
}
