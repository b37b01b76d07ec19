/* ctl_desk_http: the employer's desk (GET/POST /a/desk) and the viewer's status page
 * (GET /a/status), both on the public listener, both plain HTML that needs no JavaScript.
 *
 * Main thread only. The desk: a desk link's token (?t= on a GET, a form field on a POST) opens
 * one employer's applicants and nothing else: every query is scoped to the link's employer, so
 * an applicant or posting of another employer is 404 exactly like a missing one. A wrong,
 * revoked or expired token is one answer (404, nothing shown) and costs its client a failed
 * credential (ctl_access.h's lockout); a locked-out client gets 429 before any token is looked
 * at. A POST must come from this server's own page when it says where it came from (Origin, as
 * POST /login), and carries the token in its body: another site can neither read nor forge one.
 * Every use is logged by link id, never with its token. Changes answer 303 back to the desk.
 *
 * The status page: ?t= is the one-way hash of the submission's withdraw code (the thanks page
 * links it), so it reads the status of the sign-up that submission created and cannot withdraw
 * it; a duplicate's hash was never stored and a withdrawn sign-up is gone: both get the same
 * page that shows nothing. The employer's contact shows once the employer made contact. */
#include <string.h>

#include "ctl_apply.h"
#include "ctl_desk.h"
#include "ctl_reply.h"
#include "ctl_store_desk.h"
#include "ctl_store_employers.h"
#include "ctl_withdraw.h"
#include "jc_error.h"

#define TOKEN_ARG_MAX 96

static const char *const statuses[] = {"received", "contacted", "interviewed", "hired",
                                       "not_suitable"};

#define PAGE_HEAD                                                                                  \
    "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"                   \
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"                   \
    "<link rel=\"icon\" href=\"data:,\">\n<title>%s</title>\n"                                     \
    "<link rel=\"stylesheet\" href=\"/static/apply.css\">\n</head>\n<body>\n<main class=\"%s\">\n"
static const char page_tail[] = "</main>\n</body>\n</html>\n";

/* Appends text to out, HTML-escaped. */
static void put(GString *out, const char *text)
{
    g_autofree char *e = g_markup_escape_text(text != NULL ? text : "", -1);
    g_string_append(out, e);
}

static GString *page_begin(const char *title, const char *main_class)
{
    GString *out = g_string_sized_new(8192);
    g_autofree char *t = g_markup_escape_text(title, -1);
    g_string_append_printf(out, PAGE_HEAD, t, main_class);
    return out;
}

static char *page_end(GString *out)
{
    g_string_append(out, page_tail);
    return g_string_free(out, FALSE);
}

/* The one answer for a token that opens nothing (wrong, revoked, expired). */
static void reply_no_desk(CtlSession *s)
{
    ctl_reply_message(
        s, 404, "链接无效或已过期",
        "这个链接打不开：可能输错了、已被撤销或已过期。请联系直播间工作人员重新获取。");
}

/* The employer a desk token opens, counting the check against the client: 0 after an answer
 * was sent (locked out, wrong token, database error). */
static gint64 open_desk(CtlDesk *d, CtlSession *s, const char *token, gint64 *link_id)
{
    CtlAccess *access = ctl_desk_access(d);
    g_autofree char *client = ctl_access_client_address(access, s->wsi);
    guint wait = ctl_access_locked_out(access, client);
    if (wait > 0) {
        ctl_reply_locked_out(s, wait);
        return 0;
    }
    g_autofree char *hash = ctl_desk_token_hash(token);
    gint64 employer_id = 0;
    *link_id = 0;
    g_autoptr(GError) error = NULL;
    if (hash != NULL &&
        !ctl_store_use_link(ctl_desk_store(d), hash, link_id, &employer_id, &error)) {
        g_message("desk: checking a link failed: %s", error->message);
        ctl_reply_message(s, 500, "出错了", "请稍后再试。");
        return 0;
    }
    if (employer_id == 0) {
        /* Counted like any wrong credential; the lockout logs once per burst, not per try. */
        ctl_access_failed(access, client);
        reply_no_desk(s);
        return 0;
    }
    return employer_id;
}

/* "12-03 20:05" in the desk's time zone. (transfer full) */
static char *local_time(CtlDesk *d, const char *iso)
{
    g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601(iso, NULL);
    if (utc == NULL)
        return g_strdup(iso);
    g_autoptr(GDateTime) local = g_date_time_to_timezone(utc, ctl_desk_tz(d));
    return g_date_time_format(local, "%m-%d %H:%M");
}

/* The query string that keeps the desk's filters (and its token). (transfer full) */
static char *desk_query(const char *token, gint64 posting_id, const char *status)
{
    GString *q = g_string_new("/a/desk?t=");
    g_string_append(q, token);
    if (posting_id > 0)
        g_string_append_printf(q, "&posting=%" G_GINT64_FORMAT, posting_id);
    if (status != NULL)
        g_string_append_printf(q, "&status=%s", status);
    return g_string_free(q, FALSE);
}

static void put_hidden(GString *out, const char *name, const char *value)
{
    g_string_append_printf(out, "<input type=\"hidden\" name=\"%s\" value=\"", name);
    put(out, value);
    g_string_append(out, "\">");
}

/* The filters' hidden fields, so that a change comes back to the same list. */
static void put_filters(GString *out, const char *token, gint64 posting_id, const char *status)
{
    put_hidden(out, "t", token);
    if (posting_id > 0)
        g_string_append_printf(
            out, "<input type=\"hidden\" name=\"posting\" value=\"%" G_GINT64_FORMAT "\">",
            posting_id);
    if (status != NULL)
        put_hidden(out, "filter_status", status);
}

static void put_status_options(GString *out, const char *selected, gboolean any)
{
    if (any)
        g_string_append(out, "<option value=\"\">全部状态</option>");
    for (gsize i = 0; i < G_N_ELEMENTS(statuses); i++) {
        g_string_append_printf(out, "<option value=\"%s\"%s>%s</option>", statuses[i],
                               g_strcmp0(selected, statuses[i]) == 0 ? " selected" : "",
                               ctl_desk_status_label(statuses[i]));
    }
}

/* The employer's postings with their hires, each closable. */
static void put_postings(CtlDesk *d, GString *out, const GPtrArray *postings, const char *token,
                         gint64 posting_id, const char *status)
{
    g_string_append(out, "<section class=\"desk-postings\"><h2>岗位</h2><ul>");
    for (guint i = 0; i < postings->len; i++) {
        const CtlPosting *p = postings->pdata[i];
        gint64 hires = 0;
        gboolean closed = FALSE;
        gboolean show = FALSE;
        if (!ctl_store_posting_hires(ctl_desk_store(d), p->id, &hires, &closed, &show, NULL))
            continue;
        g_string_append(out, "<li>");
        put(out, p->title);
        g_string_append_printf(out, "：已录用 %" G_GINT64_FORMAT " / 招 %d 人", hires,
                               p->headcount);
        if (closed || p->archived) {
            g_string_append(out, "（已停止招聘）");
        } else if (p->headcount > 0 && hires >= p->headcount) {
            g_string_append(out, "（已招满）");
        } else {
            g_string_append(out, "<form class=\"desk-close\" method=\"post\" action=\"/a/desk\">");
            put_filters(out, token, posting_id, status);
            g_string_append_printf(
                out,
                "<input type=\"hidden\" name=\"action\" value=\"close\">"
                "<input type=\"hidden\" name=\"posting_id\" value=\"%" G_GINT64_FORMAT
                "\"><button class=\"secondary\" type=\"submit\">招满了，停止招聘"
                "</button></form>",
                p->id);
        }
        g_string_append(out, "</li>");
    }
    g_string_append(out, "</ul></section>\n");
}

static void put_filter_form(GString *out, const GPtrArray *postings, const char *token,
                            gint64 posting_id, const char *status)
{
    g_string_append(out, "<form class=\"desk-filter\" method=\"get\" action=\"/a/desk\">");
    put_hidden(out, "t", token);
    g_string_append(out, "<label for=\"f-posting\">岗位</label><select id=\"f-posting\" "
                         "name=\"posting\"><option value=\"\">全部岗位</option>");
    for (guint i = 0; i < postings->len; i++) {
        const CtlPosting *p = postings->pdata[i];
        g_string_append_printf(out, "<option value=\"%" G_GINT64_FORMAT "\"%s>", p->id,
                               p->id == posting_id ? " selected" : "");
        put(out, p->title);
        g_string_append(out, "</option>");
    }
    g_string_append(out, "</select><label for=\"f-status\">状态</label>"
                         "<select id=\"f-status\" name=\"status\">");
    put_status_options(out, status, TRUE);
    g_string_append(out, "</select><button type=\"submit\">筛选</button></form>\n");
}

static void put_applicant(CtlDesk *d, GString *out, const CtlSignupRow *r, const char *token,
                          gint64 posting_id, const char *status)
{
    g_autofree char *when = local_time(d, r->created_at);
    g_string_append_printf(out,
                           "<li class=\"applicant status-%s\" id=\"signup-%" G_GINT64_FORMAT
                           "\"><p class=\"who\"><strong>",
                           r->status, r->id);
    put(out, r->name);
    g_string_append(out, "</strong> <a class=\"tel\" href=\"tel:");
    put(out, r->phone);
    g_string_append(out, "\">");
    put(out, r->phone);
    g_string_append(out, "</a></p><p class=\"meta\">");
    put(out, r->title);
    g_string_append(out, " · ");
    put(out, when);
    g_string_append(out, " · <span class=\"state\">");
    put(out, ctl_desk_status_label(r->status));
    g_string_append(out, "</span></p>");
    if (r->note != NULL && r->note[0] != '\0') {
        g_string_append(out, "<p class=\"note\">");
        put(out, r->note);
        g_string_append(out, "</p>");
    }
    g_string_append(out, "<form method=\"post\" action=\"/a/desk\">");
    put_filters(out, token, posting_id, status);
    g_string_append_printf(out,
                           "<input type=\"hidden\" name=\"action\" value=\"status\">"
                           "<input type=\"hidden\" name=\"signup_id\" value=\"%" G_GINT64_FORMAT
                           "\"><label for=\"s-%" G_GINT64_FORMAT "\">跟进</label>"
                           "<select id=\"s-%" G_GINT64_FORMAT "\" name=\"status\">",
                           r->id, r->id, r->id);
    put_status_options(out, r->status, FALSE);
    g_string_append_printf(out,
                           "</select><input type=\"text\" name=\"note\" maxlength=\"%d\" "
                           "placeholder=\"备注（可不填）\" value=\"",
                           CTL_DESK_NOTE_MAX);
    put(out, r->note);
    g_string_append(out, "\"><button type=\"submit\">保存</button></form></li>\n");
}

/* The employer's own postings (archived ones too: their sign-ups are still followed up). */
static GPtrArray *postings_of(CtlDesk *d, gint64 employer_id)
{
    GPtrArray *mine = g_ptr_array_new_with_free_func((GDestroyNotify)ctl_posting_free);
    g_autoptr(GPtrArray) all = ctl_store_search_postings(ctl_desk_store(d), NULL, TRUE, 0, NULL);
    for (guint i = 0; all != NULL && i < all->len; i++) {
        CtlPosting *p = all->pdata[i];
        if (p->employer_id == employer_id)
            g_ptr_array_add(mine, ctl_posting_copy(p));
    }
    return mine;
}

static gboolean status_filter_ok(const char *status)
{
    return status == NULL || ctl_signup_status_valid(status);
}

/* Reads ?posting= and ?status= (absent or empty: any). FALSE when one is malformed. */
static gboolean read_filters(CtlSession *s, gint64 *posting_id, char **status)
{
    char buf[64];
    const char *p = lws_get_urlarg_by_name(s->wsi, "posting=", buf, sizeof buf);
    *posting_id = 0;
    if (p != NULL && p[0] != '\0') {
        char *end = NULL;
        guint64 v = g_ascii_strtoull(p, &end, 10);
        if (end == p || *end != '\0' || v == 0 || v > G_MAXINT64)
            return FALSE;
        *posting_id = (gint64)v;
    }
    char sbuf[32];
    const char *st = lws_get_urlarg_by_name(s->wsi, "status=", sbuf, sizeof sbuf);
    *status = st != NULL && st[0] != '\0' ? g_strdup(st) : NULL;
    return status_filter_ok(*status);
}

void ctl_desk_get(CtlDesk *d, CtlSession *s)
{
    char tbuf[TOKEN_ARG_MAX];
    const char *token = lws_get_urlarg_by_name(s->wsi, "t=", tbuf, sizeof tbuf);
    gint64 link_id = 0;
    gint64 employer_id = open_desk(d, s, token, &link_id);
    if (employer_id == 0)
        return;
    gint64 posting_id = 0;
    g_autofree char *status = NULL;
    if (!read_filters(s, &posting_id, &status)) {
        ctl_reply_message(s, 400, "筛选条件有误", "请返回重新选择岗位和状态。");
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(CtlEmployerRow) employer =
        ctl_store_get_employer(ctl_desk_store(d), employer_id, &error);
    g_autoptr(GPtrArray) rows =
        employer != NULL ? ctl_store_desk_signups(ctl_desk_store(d), employer_id, posting_id,
                                                  status, CTL_DESK_LIST_MAX, &error)
                         : NULL;
    if (rows == NULL) {
        g_message("desk: link %" G_GINT64_FORMAT ": %s", link_id, error->message);
        ctl_reply_message(s, 500, "出错了", "请稍后再试。");
        return;
    }
    g_message("desk: employer %" G_GINT64_FORMAT " opened its desk (link %" G_GINT64_FORMAT
              ", %u applicant(s) shown)",
              employer_id, link_id, rows->len);
    g_autoptr(GPtrArray) postings = postings_of(d, employer_id);
    g_autofree char *title = g_strdup_printf("%s · 报名人员", employer->name);
    GString *out = page_begin(title, "desk");
    g_string_append(out, "<section class=\"desk-head\"><h1>");
    put(out, employer->name);
    g_string_append_printf(out,
                           "</h1><p>报名人员（最新在前）：%u 人。点电话号码即可拨打，"
                           "联系后请更新跟进状态。</p></section>\n",
                           rows->len);
    put_postings(d, out, postings, token, posting_id, status);
    put_filter_form(out, postings, token, posting_id, status);
    g_string_append(out, "<ul class=\"applicants\">\n");
    for (guint i = 0; i < rows->len; i++)
        put_applicant(d, out, rows->pdata[i], token, posting_id, status);
    if (rows->len == 0)
        g_string_append(out, "<li class=\"empty\">暂时没有符合条件的报名。</li>\n");
    g_string_append(out, "</ul>\n<p class=\"privacy\">这些姓名和电话只用于这次招聘，"
                         "请勿转发。这个链接请只给负责招聘的同事使用。</p>\n");
    ctl_reply_html(s, 200, page_end(out));
}

/* A positive id from a form field, 0 when it is none. */
static gint64 form_id(GHashTable *form, const char *name)
{
    const char *v = g_hash_table_lookup(form, name);
    if (v == NULL || v[0] == '\0')
        return 0;
    char *end = NULL;
    guint64 n = g_ascii_strtoull(v, &end, 10);
    return end != v && *end == '\0' && n <= G_MAXINT64 ? (gint64)n : 0;
}

/* A form from another site is refused: an Origin must be this server, or "null" (what a browser
 * sends for a form posted from a page under Referrer-Policy: no-referrer, as every page here is;
 * the token in the body is what no other site can supply), or absent (older browsers). */
static gboolean origin_ok(CtlSession *s)
{
    char origin[16];
    if (lws_hdr_total_length(s->wsi, WSI_TOKEN_ORIGIN) <= 0)
        return TRUE;
    if (lws_hdr_copy(s->wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) > 0 &&
        strcmp(origin, "null") == 0)
        return TRUE;
    return ctl_access_same_origin(s->wsi);
}

void ctl_desk_post(CtlDesk *d, CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    if (!origin_ok(s)) {
        ctl_reply_message(s, 403, "无法提交", "请在工作台页面上操作。");
        return;
    }
    g_autoptr(GHashTable) form = h->too_large || h->body == NULL
                                     ? NULL
                                     : g_uri_parse_params(h->body->str, (gssize)h->body->len, "&",
                                                          G_URI_PARAMS_WWW_FORM, NULL);
    if (form == NULL) {
        ctl_reply_message(s, 400, "没有保存", "提交的内容有误或太长，请返回重试。");
        return;
    }
    const char *token = g_hash_table_lookup(form, "t");
    gint64 link_id = 0;
    gint64 employer_id = open_desk(d, s, token, &link_id);
    if (employer_id == 0)
        return;
    const char *action = g_hash_table_lookup(form, "action");
    const char *filter = g_hash_table_lookup(form, "filter_status");
    if (filter != NULL && (filter[0] == '\0' || !ctl_signup_status_valid(filter)))
        filter = NULL;
    gint64 back_posting = form_id(form, "posting");
    g_autoptr(GError) error = NULL;
    gboolean ok;
    if (g_strcmp0(action, "close") == 0) {
        gint64 posting_id = form_id(form, "posting_id");
        ok = ctl_store_close_posting(ctl_desk_store(d), employer_id, posting_id, &error);
        if (ok) {
            g_message("desk: employer %" G_GINT64_FORMAT " closed posting %" G_GINT64_FORMAT
                      " (link %" G_GINT64_FORMAT ")",
                      employer_id, posting_id, link_id);
            ctl_desk_posting_closed(d, employer_id, posting_id);
        }
    } else if (g_strcmp0(action, "status") == 0) {
        gint64 signup_id = form_id(form, "signup_id");
        g_autofree char *actor = g_strdup_printf("employer:%" G_GINT64_FORMAT, link_id);
        ok = ctl_desk_set_status(d, signup_id, employer_id, g_hash_table_lookup(form, "status"),
                                 g_hash_table_lookup(form, "note"), actor, &error);
    } else {
        g_set_error(&error, JC_ERROR, JC_ERROR_INVALID, "action: status or close");
        ok = FALSE;
    }
    if (!ok) {
        g_message("desk: employer %" G_GINT64_FORMAT " (link %" G_GINT64_FORMAT "): %s",
                  employer_id, link_id, error->message);
        if (g_error_matches(error, JC_ERROR, JC_ERROR_NOT_FOUND))
            ctl_reply_not_found(s);
        else if (g_error_matches(error, JC_ERROR, JC_ERROR_INVALID))
            ctl_reply_message(s, 400, "没有保存",
                              "状态或备注有误：备注最多200个字，不能有特殊控制字符。"
                              "请返回修改后再保存。");
        else
            ctl_reply_message(s, 500, "出错了", "没有保存，请稍后再试。");
        return;
    }
    g_autofree char *back = desk_query(token, back_posting, filter);
    ctl_reply_redirect(s, back);
}

/* ---- the viewer's status page ---- */

char *ctl_desk_status_path(const char *code)
{
    g_autofree char *hash = ctl_withdraw_code_hash(code);
    return g_strdup_printf("/a/status?t=%s", hash);
}

static gboolean hash_ok(const char *t)
{
    if (t == NULL || strlen(t) != 64)
        return FALSE;
    for (const char *p = t; *p != '\0'; p++) {
        if (!g_ascii_isxdigit(*p) || g_ascii_isupper(*p))
            return FALSE;
    }
    return TRUE;
}

/* Step i (0..3) of received → contacted → interviewed → hired, and whether status reached it. */
static void put_steps(GString *out, const char *status)
{
    static const char *const steps[] = {"received", "contacted", "interviewed", "hired"};
    int reached = 0;
    for (int i = 0; i < 4; i++) {
        if (g_strcmp0(status, steps[i]) == 0)
            reached = i;
    }
    if (g_strcmp0(status, "not_suitable") == 0)
        reached = 1;
    g_string_append(out, "<ol class=\"steps\">");
    for (int i = 0; i < 4; i++) {
        g_string_append_printf(out, "<li class=\"%s\">%s</li>", i <= reached ? "done" : "todo",
                               ctl_desk_status_label(steps[i]));
    }
    g_string_append(out, "</ol>");
}

void ctl_desk_status_get(CtlDesk *d, CtlSession *s)
{
    char buf[TOKEN_ARG_MAX];
    const char *t = lws_get_urlarg_by_name(s->wsi, "t=", buf, sizeof buf);
    CtlViewerStatus v = {0};
    g_autoptr(GError) error = NULL;
    if (hash_ok(t) && !ctl_store_viewer_status(ctl_desk_store(d), t, &v, &error)) {
        g_message("status page: %s", error->message);
        ctl_reply_message(s, 500, "出错了", "请稍后再试。");
        return;
    }
    GString *out = page_begin("报名进度", "status");
    if (v.status == NULL) {
        /* One page for a duplicate's link, a withdrawn sign-up and a made-up link. */
        g_string_append(out, "<section class=\"done closed\"><h1>报名进度</h1>"
                             "<p class=\"big\">这个链接没有可以显示的报名进度。</p>"
                             "<p>同一手机号重复报名同一岗位时，只有第一次报名的进度链接有效；"
                             "撤回的报名不再显示。</p></section>\n");
        ctl_reply_html(s, 200, page_end(out));
        return;
    }
    g_string_append_printf(out, "<section class=\"done status-%s\"><h1>报名进度</h1>", v.status);
    g_string_append(out, "<p>报名岗位：");
    put(out, v.title);
    g_string_append(out, "</p><p>用工单位：");
    put(out, v.employer);
    g_string_append(out, "</p><p class=\"big\">当前状态：<strong id=\"status\">");
    put(out, ctl_desk_status_label(v.status));
    g_string_append(out, "</strong></p>");
    put_steps(out, v.status);
    if (strcmp(v.status, "received") == 0) {
        g_string_append(out, "<p>用工单位会尽快给您打电话，请保持手机畅通。</p>");
    } else if (v.contact_person[0] != '\0' || v.contact_phone[0] != '\0') {
        g_string_append(out, "<p class=\"contact\">联系人：");
        put(out, v.contact_person);
        if (v.contact_phone[0] != '\0') {
            g_string_append(out, " <a class=\"tel\" href=\"tel:");
            put(out, v.contact_phone);
            g_string_append(out, "\">");
            put(out, v.contact_phone);
            g_string_append(out, "</a>");
        }
        g_string_append(out, "</p>");
    }
    g_string_append(out, "</section>\n");
    ctl_viewer_status_clear(&v);
    ctl_reply_html(s, 200, page_end(out));
}
