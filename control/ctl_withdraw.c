/* ctl_withdraw: a viewer withdrawing their own sign-up (see ctl_withdraw.h).
 *
 * Main thread only. Every submission of the apply form gets a fresh random code; the store
 * keeps only its hash, and only on the sign-up that submission created: a duplicate's code was
 * never stored, so it acts on nothing. The answer to POST /a/withdraw is therefore the same page,
 * byte for byte, whether a sign-up was deleted or not (a wrong code, a guess, a duplicate's
 * code, one already used): anything else would tell whoever typed someone's phone number that
 * this person had applied. Guesses are rate-limited per client address; with 60 random bits a
 * code is not guessable within any limit anyway.
 *
 * A withdrawal deletes the row (secure_delete overwrites it, the WAL is scrubbed), which also
 * lowers the stored count (a trigger), redraws the on-air counter and tells producers
 * (signup.withdrawn): exports read the table, so the sign-up is gone from them too. The log
 * line names no person. */
#include "ctl_withdraw.h"

#include <sodium.h>
#include <string.h>

#include "ctl_apply.h"
#include "ctl_ratelimit.h"
#include "ctl_reply.h"
#include "ctl_rpc.h"
#include "jc_error.h"

#define CODE_BYTES 8 /* 64 random bits, 60 of them used */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/* The hash's key: separates these hashes from any other use of the same function. */
static const char hash_key[] = "jobcast withdraw code, v1";

struct CtlWithdrawDesk {
    CtlStore *store;           /* borrowed */
    CtlAccess *access;         /* borrowed */
    CtlStudio *studio;         /* borrowed */
    const CtlNotifier *notify; /* borrowed */
    CtlRateLimit *limit;       /* owned: withdrawals per client address */
};

CtlWithdrawDesk *ctl_withdraw_desk_new(CtlStore *store, CtlAccess *access, CtlStudio *studio,
                                       const CtlNotifier *notify, guint per_minute)
{
    if (sodium_init() < 0)
        g_error("libsodium failed to initialise");
    CtlWithdrawDesk *d = g_new0(CtlWithdrawDesk, 1);
    d->store = store;
    d->access = access;
    d->studio = studio;
    d->notify = notify;
    guint rate = per_minute > 0 ? per_minute : CTL_WITHDRAW_RATE_DEFAULT;
    d->limit = ctl_rate_limit_new(rate, rate, 100000);
    return d;
}

void ctl_withdraw_desk_free(CtlWithdrawDesk *d)
{
    if (d == NULL)
        return;
    ctl_rate_limit_free(d->limit);
    g_free(d);
}

char *ctl_withdraw_code_new(char **hash)
{
    guint8 raw[CODE_BYTES];
    randombytes_buf(raw, sizeof raw);
    guint64 bits = 0;
    for (gsize i = 0; i < sizeof raw; i++)
        bits = bits << 8 | raw[i];
    char *code = g_malloc(CTL_WITHDRAW_CODE_LEN + 1);
    for (int i = 0; i < CTL_WITHDRAW_CODE_LEN; i++) {
        code[i] = alphabet[bits & 31];
        bits >>= 5;
    }
    code[CTL_WITHDRAW_CODE_LEN] = '\0';
    sodium_memzero(raw, sizeof raw);
    *hash = ctl_withdraw_code_hash(code);
    return code;
}

/* One typed character as a code character, '\0' when it is none. */
static char code_char(char c)
{
    c = g_ascii_toupper(c);
    if (c == 'O')
        return '0';
    if (c == 'I' || c == 'L')
        return '1';
    return strchr(alphabet, c) != NULL && c != '\0' ? c : '\0';
}

char *ctl_withdraw_code_normalise(const char *typed)
{
    if (typed == NULL || strlen(typed) > 64)
        return NULL;
    char code[CTL_WITHDRAW_CODE_LEN + 1];
    gsize n = 0;
    for (const char *p = typed; *p != '\0'; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        char c = code_char(*p);
        if (c == '\0' || n == CTL_WITHDRAW_CODE_LEN)
            return NULL;
        code[n++] = c;
    }
    if (n != CTL_WITHDRAW_CODE_LEN)
        return NULL;
    code[n] = '\0';
    return g_strdup(code);
}

char *ctl_withdraw_code_hash(const char *code)
{
    guint8 out[crypto_generichash_BYTES];
    crypto_generichash(out, sizeof out, (const guint8 *)code, strlen(code),
                       (const guint8 *)hash_key, sizeof hash_key - 1);
    char hex[2 * crypto_generichash_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return g_strdup(hex);
}

char *ctl_withdraw_code_display(const char *code)
{
    if (strlen(code) != CTL_WITHDRAW_CODE_LEN)
        return g_strdup(code);
    return g_strdup_printf("%.4s-%.4s-%.4s", code, code + 4, code + 8);
}

/* Renders a compiled-in page with vars (char* -> char*, values escaped). (transfer full) */
static char *render(const char *path, GHashTable *vars)
{
    g_autoptr(GBytes) bytes = g_resources_lookup_data(path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    if (bytes == NULL)
        g_error("page template %s missing", path);
    g_autofree char *text = g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
    return ctl_page_render(text, vars);
}

/* The page to type a code on; error (may be NULL) says what was wrong with the last one. */
static void reply_code_form(CtlSession *s, guint status, const char *typed, const char *error)
{
    g_autoptr(GHashTable) vars = g_hash_table_new(g_str_hash, g_str_equal);
    if (typed != NULL)
        g_hash_table_insert(vars, "code", (gpointer)typed);
    if (error != NULL)
        g_hash_table_insert(vars, "code_error", (gpointer)error);
    ctl_reply_html(s, status, render("/jobcast/web/apply-withdraw-code.html", vars));
}

static const char msg_bad_code[] = "撤回码是12位字母和数字，请核对后重新输入";

void ctl_withdraw_get(CtlWithdrawDesk *d, CtlSession *s)
{
    char buf[96];
    const char *typed = lws_get_urlarg_by_name(s->wsi, "t=", buf, sizeof buf);
    if (typed == NULL || typed[0] == '\0') {
        reply_code_form(s, 200, NULL, NULL);
        return;
    }
    g_autofree char *code = ctl_withdraw_code_normalise(typed);
    if (code == NULL) {
        reply_code_form(s, 400, typed, msg_bad_code);
        return;
    }
    /* The same page for every well-formed code: it says nothing about a sign-up. */
    g_autofree char *shown = ctl_withdraw_code_display(code);
    g_autoptr(GHashTable) vars = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(vars, "code", code);
    g_hash_table_insert(vars, "code_display", shown);
    ctl_reply_html(s, 200, render("/jobcast/web/apply-withdraw.html", vars));
}

/* A sign-up of posting_id is gone: the counter on air and the producers' pages follow. */
static void withdrawn(CtlWithdrawDesk *d, gint64 signup_id, gint64 posting_id)
{
    g_message("control: a viewer withdrew a sign-up of posting %" G_GINT64_FORMAT, posting_id);
    if (!ctl_store_scrub_wal(d->store))
        g_debug("control: the WAL is busy; deleted rows leave it at the next checkpoint");
    ctl_studio_signup_committed(d->studio, posting_id);
    ctl_studio_batch_committed(1, d->studio);
    if (!ctl_notify_listening(d->notify))
        return;
    g_autoptr(GError) error = NULL;
    gint64 count = ctl_store_count_signups(d->store, posting_id, &error);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "signup_id", signup_id);
    json_object_set_int_member(o, "posting_id", posting_id);
    json_object_set_int_member(o, "count", MAX(count, 0));
    ctl_notify(d->notify, "signup.withdrawn", ctl_json_object_node(o));
}

/* Reads t= from the form body. (transfer full) or NULL. */
static char *posted_code(CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    if (h->too_large || h->body == NULL)
        return NULL;
    g_autoptr(GHashTable) params =
        g_uri_parse_params(h->body->str, (gssize)h->body->len, "&", G_URI_PARAMS_WWW_FORM, NULL);
    if (params == NULL)
        return NULL;
    return g_strdup(g_hash_table_lookup(params, "t"));
}

void ctl_withdraw_post(CtlWithdrawDesk *d, CtlSession *s)
{
    g_autofree char *client = ctl_access_client_address(d->access, s->wsi);
    if (!ctl_rate_limit_take(d->limit, client, g_get_monotonic_time())) {
        ctl_reply_message(s, 429, "操作太频繁", "请稍等一会儿再试。");
        return;
    }
    g_autofree char *typed = posted_code(s);
    g_autofree char *code = ctl_withdraw_code_normalise(typed);
    if (code == NULL) {
        reply_code_form(s, 400, typed, msg_bad_code);
        return;
    }
    g_autofree char *hash = ctl_withdraw_code_hash(code);
    g_autoptr(GError) error = NULL;
    gint64 signup_id = 0;
    gint64 posting_id = 0;
    if (!ctl_store_withdraw(d->store, hash, &signup_id, &posting_id, &error)) {
        g_message("control: withdrawing a sign-up failed: %s", error->message);
        ctl_reply_message(s, 500, "出错了", "撤回没有成功，请稍后再试。");
        return;
    }
    if (posting_id > 0)
        withdrawn(d, signup_id, posting_id);
    /* One answer for all: see the file header. */
    ctl_reply_message(s, 200, "撤回完成 / Withdrawn",
                      "与这个撤回码对应的报名已经删除，用工单位不会再收到您的姓名和手机号。"
                      "如果撤回码有误、之前已经撤回过，或者这次提交是同一手机号的重复报名，"
                      "就没有要删除的报名。");
}
