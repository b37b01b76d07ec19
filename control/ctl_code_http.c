/* ctl_code_http: GET /j, the code page (see ctl_code_http.h).
 *
 * Main thread only. Codes are not secret (postings are public and so are their codes), so a
 * guess costs what any page costs: one token of the per-address bucket, taken before anything
 * else, so a flood gets 429 and reads nothing. An unknown code and a malformed one get the same
 * page, 404, with a message a viewer can act on. */
#include "ctl_code_http.h"

#include "ctl_apply.h"
#include "ctl_query.h"
#include "ctl_ratelimit.h"
#include "ctl_reply.h"
#include "jc_error.h"

struct CtlCodeDesk {
    CtlStore *store;     /* borrowed */
    CtlAccess *access;   /* borrowed */
    CtlRateLimit *limit; /* owned: requests per client address */
};

CtlCodeDesk *ctl_code_desk_new(CtlStore *store, CtlAccess *access, guint per_minute)
{
    CtlCodeDesk *d = g_new0(CtlCodeDesk, 1);
    d->store = store;
    d->access = access;
    d->limit = ctl_rate_limit_new(per_minute, per_minute, 100000);
    return d;
}

void ctl_code_desk_free(CtlCodeDesk *d)
{
    if (d == NULL)
        return;
    ctl_rate_limit_free(d->limit);
    g_free(d);
}

void ctl_code_get(CtlCodeDesk *d, CtlSession *s)
{
    g_autofree char *client = ctl_access_client_address(d->access, s->wsi);
    if (!ctl_rate_limit_take(d->limit, client, g_get_monotonic_time())) {
        ctl_reply_header(s, "retry-after:", "10");
        ctl_reply_message(s, 429, "操作太频繁", "请稍等一会儿再输入岗位码。");
        return;
    }
    g_autofree char *typed = ctl_query_arg(s->wsi, "code");
    if (typed == NULL) {
        ctl_reply_html(s, 200, ctl_apply_code_page(NULL, NULL));
        return;
    }
    g_autofree char *spaced = g_strdelimit(g_strdup(typed), "+", ' '); /* a form's spaces */
    g_autofree char *code = ctl_apply_normalise_digits(spaced, CTL_POSTING_CODE_LEN);
    if (code == NULL) {
        ctl_reply_html(
            s, 404,
            ctl_apply_code_page(typed, "岗位码是 4 位数字，请看清直播画面上的岗位码再输入"));
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(CtlPosting) p = ctl_store_posting_by_code(d->store, code, &error);
    if (p == NULL && !g_error_matches(error, JC_ERROR, JC_ERROR_NOT_FOUND)) {
        g_message("control: looking up a posting code: %s", error->message);
        ctl_reply_message(s, 500, "出错了", "暂时查不到岗位，请稍后再试。");
        return;
    }
    if (p == NULL) {
        g_autofree char *message = g_strdup_printf(
            "没有找到岗位码 %s 的岗位，可能已经招满。请核对直播画面上的岗位码，或者扫码报名", code);
        ctl_reply_html(s, 404, ctl_apply_code_page(typed, message));
        return;
    }
    g_autofree char *location = g_strdup_printf("/a/%" G_GINT64_FORMAT "?src=code", p->id);
    ctl_reply_redirect(s, location);
}
