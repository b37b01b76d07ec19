/* ctl_login: GET and POST /login (see ctl_login.h).
 *
 * Main thread only, apart from the argon2id verification, which runs on a GTask worker as a
 * CtlPending (it takes a fraction of a second and 64 MiB: never on main). The worker reads only
 * hash and password and writes only ok; main reads ok only in the done callback, after GTask
 * handed the result back. Every token link and password checked costs its client an attempt
 * (ctl_access.h: a burst of wrong ones locks the address out); a password check counts as a
 * failure when it starts and is forgiven when right, so that checks in flight at once cannot
 * outrun the count. An unknown name costs as long as a wrong password. A password form posted
 * from another site's page (its Origin) is refused: no signing a browser into an account. */
#include "ctl_login.h"

#include <string.h>

#include "ctl_reply.h"

struct CtlLoginDesk {
    CtlStore *store;       /* borrowed */
    CtlAccess *access;     /* borrowed */
    CtlPendingList checks; /* password checks in flight */
};

/* A password check in flight (the payload of its CtlPending). */
typedef struct {
    CtlStore *store;   /* borrowed; only used while the pending is not orphaned */
    CtlAccess *access; /* borrowed; the same */
    CtlWho who;        /* the account's role, name (the one asked for) and generation */
    char *client;      /* owned: the client's address, charged for the check */
    char *hash;        /* owned, may be NULL (unknown name: a dummy check runs anyway) */
    char *password;    /* owned, wiped and freed after the check */
    gboolean ok;       /* worker's result */
} Check;

static void check_free(gpointer data)
{
    Check *c = data;
    g_free(c->hash);
    g_free(c->client);
    if (c->password != NULL) {
        memset(c->password, 0, strlen(c->password));
        g_free(c->password);
    }
    g_free(c);
}

CtlLoginDesk *ctl_login_desk_new(CtlStore *store, CtlAccess *access)
{
    CtlLoginDesk *d = g_new0(CtlLoginDesk, 1);
    d->store = store;
    d->access = access;
    return d;
}

void ctl_login_desk_free(CtlLoginDesk *d)
{
    if (d == NULL)
        return;
    ctl_pending_list_orphan(&d->checks);
    g_free(d);
}

static void reply_session(CtlAccess *access, CtlSession *s, const CtlWho *who)
{
    g_autofree char *cookie = ctl_access_session_cookie(access, s->wsi, who);
    ctl_reply_header(s, "set-cookie:", cookie);
    ctl_reply_redirect(s, who->role == CTL_ROLE_PRODUCER  ? "/control"
                          : who->role == CTL_ROLE_OVERLAY ? "/overlay"
                                                          : "/host");
}

void ctl_login_get(CtlLoginDesk *d, CtlSession *s)
{
    /* No token at all: the name + password form (POST /login); showing it costs no attempt. */
    char buf[512];
    const char *token = lws_get_urlarg_by_name(s->wsi, "token=", buf, sizeof buf);
    if (token == NULL && lws_hdr_total_length(s->wsi, WSI_TOKEN_HTTP_URI_ARGS) <= 0) {
        ctl_reply_private_page(s, "login.html");
        return;
    }
    CtlWho who = ctl_access_bearer(d->access, s->wsi, token);
    if (who.retry_after > 0) {
        ctl_reply_locked_out(s, who.retry_after);
        return;
    }
    if (who.role == CTL_ROLE_NONE) {
        ctl_reply_message(s, 401, "需要登录",
                          "请打开 jobcast 启动时打印的控制台链接（含 token）。"
                          "Open the control link that jobcast printed when it started.");
        return;
    }
    reply_session(d->access, s, &who);
}

static void check_worker(gpointer data)
{
    Check *c = data;
    c->ok = ctl_auth_password_verify(c->hash, c->password);
}

/* TRUE when the account checked is still at the generation it had when its hash was read: a
 * password set (or the account revoked) during the check makes the old one wrong. */
static gboolean still_current(const Check *c)
{
    g_autofree char *hash = NULL;
    g_autoptr(GError) error = NULL;
    CtlAccount *a = ctl_store_account_by_name(c->store, c->who.account, &hash, &error);
    gboolean same = a != NULL && a->generation == c->who.generation;
    if (error != NULL)
        g_message("control: login lookup: %s", error->message);
    ctl_account_free(a);
    return same;
}

static void check_done(CtlPending *p, gpointer data)
{
    Check *c = data;
    CtlSession *s = ctl_pending_finish(p);
    if (s == NULL)
        return;
    if (c->ok && still_current(c)) {
        ctl_access_forgive(c->access, c->client);
        reply_session(c->access, s, &c->who);
    } else {
        ctl_reply_message(s, 401, "登录失败", "用户名或密码不对。Wrong name or password.");
    }
}

/* A form posted from a page of another site (or an opaque "null" one) is refused; no Origin at
 * all (a client that is no browser) is let through. FALSE after answering. */
static gboolean origin_allowed(CtlSession *s)
{
    if (lws_hdr_total_length(s->wsi, WSI_TOKEN_ORIGIN) <= 0 || ctl_access_same_origin(s->wsi))
        return TRUE;
    ctl_reply_message(s, 403, "登录失败",
                      "请在 jobcast 自己的登录页登录。Sign in on jobcast's own sign-in page.");
    return FALSE;
}

void ctl_login_post(CtlLoginDesk *d, CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    if (!origin_allowed(s))
        return;
    g_autofree char *client = ctl_access_client_address(d->access, s->wsi);
    guint wait = ctl_access_locked_out(d->access, client);
    if (wait > 0) {
        ctl_reply_locked_out(s, wait);
        return;
    }
    if (h->too_large || h->body == NULL) {
        ctl_reply_message(s, 400, "登录失败", "Bad login form.");
        return;
    }
    g_autoptr(GHashTable) form =
        g_uri_parse_params(h->body->str, (gssize)h->body->len, "&", G_URI_PARAMS_WWW_FORM, NULL);
    const char *name = form != NULL ? g_hash_table_lookup(form, "name") : NULL;
    const char *password = form != NULL ? g_hash_table_lookup(form, "password") : NULL;
    if (name == NULL || password == NULL || strlen(password) > 4 * CTL_AUTH_PASSWORD_MAX) {
        ctl_reply_message(s, 400, "登录失败", "Send name and password.");
        return;
    }
    g_autoptr(GError) error = NULL;
    char *hash = NULL;
    CtlAccount *a = ctl_store_account_by_name(d->store, name, &hash, &error);
    if (error != NULL)
        g_message("control: login lookup: %s", error->message);
    Check *c = g_new0(Check, 1);
    ctl_access_failed(d->access, client); /* forgiven when right (check_done) */
    c->store = d->store;
    c->access = d->access;
    g_strlcpy(c->who.account, a != NULL ? a->name : name, sizeof c->who.account);
    c->client = g_steal_pointer(&client);
    c->who.role = a != NULL ? ctl_role_from_name(a->role) : CTL_ROLE_HOST;
    c->who.generation = a != NULL ? a->generation : 0;
    c->hash = hash; /* NULL for an unknown name: the worker checks a dummy, then says no */
    c->password = g_strdup(password);
    ctl_account_free(a);
    CtlPending *p = ctl_pending_new(c, check_free);
    ctl_pending_track(p, &d->checks);
    ctl_pending_wait(p, &h->waiting, s);
    ctl_pending_run(p, check_worker, check_done);
}
