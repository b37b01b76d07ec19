/* ctl_apply: viewer sign-up validation (name, phone, consent) and the viewer's HTML pages.
 *
 * Runs on the main thread; pure apart from reading templates from the GResource bundle.
 * Invariant: every value that reaches a page goes through ctl_page_render, which escapes it,
 * so no posting text or viewer input is ever emitted as markup. */
#include "ctl_apply.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "ctl_rpc.h"
#include "jc_error.h"
#include "jc_text.h"

#define PHONE_RAW_MAX 64      /* bytes; nobody types a phone number longer than this */
#define NAME_RAW_MAX 400      /* bytes; 40 CJK characters are 120 */
#define QUESTION_RAW_MAX 1200 /* bytes; 120 CJK characters are 360, emoji 480 */

static const char msg_posting[] = "岗位编号无效";
static const char msg_name[] = "请填写姓名（1-40个字）";
static const char msg_name_chars[] = "姓名里要有文字，不能只有符号或看不见的字符";
static const char msg_question[] = "请填写问题（1-120个字）";
static const char msg_question_chars[] = "问题里要有文字，不能只有符号或看不见的字符";
static const char msg_phone[] = "请填写正确的11位手机号码";
static const char msg_consent[] = "请勾选同意后再报名";
static const char msg_consent_version[] = "个人信息说明已更新，请阅读后重新勾选同意";

void ctl_apply_form_clear(CtlApplyForm *form)
{
    g_clear_pointer(&form->name, g_free);
    g_clear_pointer(&form->phone, g_free);
    g_clear_pointer(&form->ref, g_free);
    form->posting_id = 0;
    form->consent = FALSE;
    form->src = CTL_SOURCE_STREAM;
}

static gboolean fail(const char **field, const char *name, GError **error, const char *message)
{
    *field = name;
    g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, message);
    return FALSE;
}

static gboolean member_is(JsonObject *obj, const char *name, GType type)
{
    JsonNode *n = json_object_get_member(obj, name);
    return n != NULL && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == type;
}

gboolean ctl_apply_parse_json(const char *body, gsize len, CtlApplyForm *out, const char **field,
                              GError **error)
{
    memset(out, 0, sizeof *out);
    *field = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root = NULL;
    /* One value only: json-glib 1.6 takes `{...}{}` and leaks what it read of the rest. */
    if (ctl_json_shape(body, len, CTL_JSON_MAX_DEPTH) == CTL_JSON_PLAIN &&
        json_parser_load_from_data(parser, body, (gssize)len, NULL))
        root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return fail(field, NULL, error, "请求格式错误：需要一个 JSON 对象");

    JsonObject *obj = json_node_get_object(root);
    if (member_is(obj, "posting_id", G_TYPE_INT64))
        out->posting_id = MAX(json_object_get_int_member(obj, "posting_id"), 0);
    if (member_is(obj, "name", G_TYPE_STRING))
        out->name = g_strdup(json_object_get_string_member(obj, "name"));
    if (member_is(obj, "phone", G_TYPE_STRING))
        out->phone = g_strdup(json_object_get_string_member(obj, "phone"));
    if (member_is(obj, "consent", G_TYPE_BOOLEAN))
        out->consent = json_object_get_boolean_member(obj, "consent");
    if (member_is(obj, "ref", G_TYPE_STRING))
        out->ref = g_strndup(json_object_get_string_member(obj, "ref"), 128);
    if (member_is(obj, "src", G_TYPE_STRING))
        out->src = ctl_source_parse(json_object_get_string_member(obj, "src"));
    if (member_is(obj, "consent_version", G_TYPE_INT64))
        out->consent_version = MAX(json_object_get_int_member(obj, "consent_version"), -1);
    else if (json_object_has_member(obj, "consent_version"))
        out->consent_version = -1; /* there, but not a version: refused like an old one */

    /* Wrong types are reported like missing values, in the validation order. */
    if (out->posting_id <= 0)
        return fail(field, "posting_id", error, msg_posting);
    if (out->name == NULL)
        return fail(field, "name", error, msg_name);
    if (out->phone == NULL)
        return fail(field, "phone", error, msg_phone);
    if (!member_is(obj, "consent", G_TYPE_BOOLEAN))
        return fail(field, "consent", error, msg_consent);
    return TRUE;
}

gboolean ctl_apply_parse_form(const char *body, gsize len, CtlApplyForm *out, const char **field,
                              GError **error)
{
    memset(out, 0, sizeof *out);
    *field = NULL;
    g_autoptr(GHashTable) params =
        g_uri_parse_params(body, (gssize)len, "&", G_URI_PARAMS_WWW_FORM, NULL);
    if (params == NULL)
        return fail(field, NULL, error, "表单格式错误");

    const char *id = g_hash_table_lookup(params, "posting_id");
    guint64 parsed = 0;
    if (id != NULL && g_ascii_string_to_unsigned(id, 10, 1, G_MAXINT64, &parsed, NULL))
        out->posting_id = (gint64)parsed;
    out->name = g_strdup(g_hash_table_lookup(params, "name"));
    out->phone = g_strdup(g_hash_table_lookup(params, "phone"));
    const char *consent = g_hash_table_lookup(params, "consent");
    out->consent = consent != NULL && consent[0] != '\0';
    const char *ref = g_hash_table_lookup(params, "ref");
    if (ref != NULL && ref[0] != '\0')
        out->ref = g_strndup(ref, 128);
    out->src = ctl_source_parse(g_hash_table_lookup(params, "src"));
    const char *version = g_hash_table_lookup(params, "consent_version");
    guint64 v = 0;
    if (version != NULL)
        out->consent_version =
            g_ascii_string_to_unsigned(version, 10, 1, G_MAXINT32, &v, NULL) ? (gint64)v : -1;

    if (out->posting_id <= 0)
        return fail(field, "posting_id", error, msg_posting);
    return TRUE;
}

gboolean ctl_apply_validate(const CtlApplyForm *form, char **name, char **phone, const char **field,
                            GError **error)
{
    *field = NULL;
    if (form->posting_id <= 0)
        return fail(field, "posting_id", error, msg_posting);
    g_autoptr(GError) name_error = NULL;
    g_autofree char *n = ctl_apply_normalise_name(form->name, &name_error);
    if (n == NULL)
        return fail(field, "name", error, name_error->message);
    g_autofree char *p = ctl_apply_normalise_phone(form->phone, NULL);
    if (p == NULL)
        return fail(field, "phone", error, msg_phone);
    if (!form->consent)
        return fail(field, "consent", error, msg_consent);
    if (form->consent_version != 0 && form->consent_version != CTL_CONSENT_VERSION)
        return fail(field, "consent", error, msg_consent_version);
    *name = g_steal_pointer(&n);
    *phone = g_steal_pointer(&p);
    return TRUE;
}

/* Characters a name may not hold: controls, line breaks and bidi overrides (they would let a
 * name rewrite how its neighbours read on the producer's screen), and invisible ones: format
 * characters (U+200B, U+FEFF, U+2060, tag characters U+E0000-E007F...) but the joiners U+200C
 * and U+200D that some scripts and emoji need, and the Hangul fillers that draw nothing. */
static gboolean name_char_ok(gunichar c)
{
    GUnicodeType t = g_unichar_type(c);
    if (t == G_UNICODE_CONTROL || t == G_UNICODE_LINE_SEPARATOR ||
        t == G_UNICODE_PARAGRAPH_SEPARATOR || t == G_UNICODE_UNASSIGNED ||
        t == G_UNICODE_SURROGATE || t == G_UNICODE_PRIVATE_USE)
        return FALSE;
    if (t == G_UNICODE_FORMAT && c != 0x200C && c != 0x200D)
        return FALSE;
    if (c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0)
        return FALSE;
    return TRUE;
}

static gboolean is_mark(gunichar c)
{
    GUnicodeType t = g_unichar_type(c);
    return t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK ||
           t == G_UNICODE_ENCLOSING_MARK;
}

/* A name a producer can read: only allowed characters, at most two combining marks in a row
 * (more stack into a smear over the neighbouring lines), and at least one letter. */
static gboolean name_visible(const char *start, const char *end)
{
    gboolean letter = FALSE;
    int marks = 0;
    for (const char *s = start; s < end; s = g_utf8_next_char(s)) {
        gunichar c = g_utf8_get_char(s);
        if (!name_char_ok(c))
            return FALSE;
        marks = is_mark(c) ? marks + 1 : 0;
        if (marks > 2)
            return FALSE;
        letter = letter || g_unichar_isalpha(c);
    }
    return letter;
}

/* Trims raw and checks it: at most raw_max bytes, valid UTF-8, 1-max characters (else
 * msg_len), only visible characters with a letter (else msg_chars). (transfer full) */
static char *normalise_visible(const char *raw, gsize raw_max, glong max, const char *msg_len,
                               const char *msg_chars, GError **error)
{
    const char *message = msg_len;
    if (raw == NULL || strlen(raw) > raw_max || !g_utf8_validate(raw, -1, NULL))
        goto invalid;
    const char *start = raw;
    while (*start != '\0' && g_unichar_isspace(g_utf8_get_char(start)))
        start = g_utf8_next_char(start);
    const char *end = start + strlen(start);
    while (end > start) {
        const char *prev = g_utf8_prev_char(end);
        if (!g_unichar_isspace(g_utf8_get_char(prev)))
            break;
        end = prev;
    }
    glong chars = g_utf8_strlen(start, end - start);
    if (chars < 1 || chars > max)
        goto invalid;
    message = msg_chars;
    if (!name_visible(start, end))
        goto invalid;
    return g_strndup(start, (gsize)(end - start));

invalid:
    g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, message);
    return NULL;
}

char *ctl_apply_normalise_name(const char *raw, GError **error)
{
    return normalise_visible(raw, NAME_RAW_MAX, CTL_APPLY_NAME_MAX, msg_name, msg_name_chars,
                             error);
}

char *ctl_apply_normalise_question(const char *raw, GError **error)
{
    return normalise_visible(raw, QUESTION_RAW_MAX, CTL_APPLY_QUESTION_MAX, msg_question,
                             msg_question_chars, error);
}

static gboolean is_dash(gunichar c)
{
    return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFF0D || c == 0xFE63 ||
           c == 0x30FC;
}

char *ctl_apply_normalise_phone(const char *raw, GError **error)
{
    if (raw == NULL || strlen(raw) > PHONE_RAW_MAX || !g_utf8_validate(raw, -1, NULL))
        goto invalid;
    char digits[PHONE_RAW_MAX + 1];
    gsize n = 0;
    gboolean plus = FALSE;
    for (const char *s = raw; *s != '\0'; s = g_utf8_next_char(s)) {
        gunichar c = g_utf8_get_char(s);
        if (c >= '0' && c <= '9') {
            digits[n++] = (char)c;
        } else if (c >= 0xFF10 && c <= 0xFF19) {
            digits[n++] = (char)('0' + (c - 0xFF10));
        } else if (c == '+' || c == 0xFF0B) {
            if (n != 0 || plus) /* only one, and only in front */
                goto invalid;
            plus = TRUE;
        } else if (!g_unichar_isspace(c) && !is_dash(c)) {
            goto invalid;
        }
    }
    digits[n] = '\0';

    const char *d = digits;
    if (plus) {
        if (!g_str_has_prefix(d, "86"))
            goto invalid;
        d += 2;
    } else if (g_str_has_prefix(d, "0086")) {
        d += 4;
    } else if (n == 13 && g_str_has_prefix(d, "86")) {
        d += 2;
    }
    if (strlen(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9')
        goto invalid;
    return g_strdup(d);

invalid:
    g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, msg_phone);
    return NULL;
}

char *ctl_apply_mask_phone(const char *phone)
{
    gsize len = strlen(phone);
    if (len < 7)
        return g_strdup("****");
    return g_strdup_printf("%.3s****%s", phone, phone + len - 4);
}

char *ctl_page_render(const char *template_text, GHashTable *vars)
{
    GString *out = g_string_sized_new(strlen(template_text) + 1024);
    const char *p = template_text;
    for (;;) {
        const char *open = strstr(p, "{{");
        const char *close = open != NULL ? strstr(open + 2, "}}") : NULL;
        if (close == NULL) {
            g_string_append(out, p);
            break;
        }
        g_string_append_len(out, p, open - p);
        g_autofree char *key = g_strndup(open + 2, (gsize)(close - open - 2));
        const char *value = g_hash_table_lookup(vars, key);
        if (value != NULL) {
            g_autofree char *escaped = g_markup_escape_text(value, -1);
            g_string_append(out, escaped);
        }
        p = close + 2;
    }
    return g_string_free(out, FALSE);
}

/* Renders a compiled-in template; a missing one is a build error, so it is fatal here. */
static char *render_resource(const char *path, GHashTable *vars)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = g_resources_lookup_data(path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
    if (bytes == NULL)
        g_error("page template %s missing: %s", path, error->message);
    g_autofree char *text = g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
    return ctl_page_render(text, vars);
}

static GHashTable *vars_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
}

static void put_posting(GHashTable *vars, const CtlPosting *p)
{
    g_hash_table_insert(vars, "posting_id", g_strdup_printf("%" G_GINT64_FORMAT, p->id));
    g_hash_table_insert(vars, "title", g_strdup(p->title));
    g_hash_table_insert(vars, "company", g_strdup(p->company));
    g_hash_table_insert(vars, "pay_text", jc_format_pay(p->pay_min, p->pay_max, p->pay_unit));
    g_hash_table_insert(vars, "location", g_strdup(p->location));
    g_hash_table_insert(vars, "headcount", g_strdup_printf("%d", p->headcount));
    g_hash_table_insert(vars, "tags", g_strjoinv(" · ", p->tags));
    /* What a shared link's preview says under the title: employer · pay · place. */
    g_autofree char *pay = jc_format_pay(p->pay_min, p->pay_max, p->pay_unit);
    g_hash_table_insert(vars, "og_description",
                        p->location[0] != '\0'
                            ? g_strdup_printf("%s · %s · %s", p->company, pay, p->location)
                            : g_strdup_printf("%s · %s", p->company, pay));
    g_hash_table_insert(vars, "requirements",
                        g_strdup(p->requirements[0] != '\0' ? p->requirements : "不限"));
    if (p->code != NULL)
        g_hash_table_insert(vars, "code", g_strdup(p->code));
    else
        g_hash_table_insert(vars, "code_hidden", g_strdup("hidden"));
}

/* The placeholder next to a field; a field the page does not show reports at the top. */
static const char *error_key(const char *field)
{
    if (strcmp(field, "name") == 0)
        return "name_error";
    if (strcmp(field, "phone") == 0)
        return "phone_error";
    if (strcmp(field, "consent") == 0)
        return "consent_error";
    return "form_error";
}

char *ctl_apply_page(const CtlPosting *posting, const CtlApplyForm *form, const char *bad_field,
                     const char *message)
{
    return ctl_apply_page_ref(posting, form, bad_field, message, NULL, NULL);
}

/* The notice's placeholders: version, retention, operator. */
static void put_notice(GHashTable *vars, const CtlApplyNotice *notice)
{
    static const CtlApplyNotice none = {0};
    const CtlApplyNotice *n = notice != NULL ? notice : &none;
    g_hash_table_insert(vars, "consent_version", g_strdup_printf("%d", CTL_CONSENT_VERSION));
    g_hash_table_insert(vars, "retention",
                        n->keep_days > 0 ? g_strdup_printf("%u 天，到期自动删除", n->keep_days)
                                         : g_strdup("一直保存，直到您撤回或请运营方删除"));
    gboolean named = n->operator_name != NULL && n->operator_name[0] != '\0';
    gboolean reachable = n->operator_contact != NULL && n->operator_contact[0] != '\0';
    g_hash_table_insert(vars, "operator_name",
                        g_strdup(named ? n->operator_name : "未登记（请在直播间询问）"));
    g_hash_table_insert(vars, "operator_contact",
                        g_strdup(reachable ? n->operator_contact : "未登记"));
    g_hash_table_insert(vars, "verify_phone", g_strdup(n->verify_phone ? "on" : ""));
    if (!n->verify_phone)
        g_hash_table_insert(vars, "sms_hidden", g_strdup("hidden"));
}

char *ctl_apply_page_ref(const CtlPosting *posting, const CtlApplyForm *form, const char *bad_field,
                         const char *message, const char *ref, const CtlApplyNotice *notice)
{
    return ctl_apply_page_ask(posting, form, bad_field, message, ref, notice, NULL);
}

/* page with html put in place of marker (which the template must hold). (transfer full) */
static char *insert_at(const char *page, const char *marker, const char *html)
{
    const char *at = strstr(page, marker);
    g_assert(at != NULL);
    return g_strdup_printf("%.*s%s%s", (int)(at - page), page, html, at + strlen(marker));
}

char *ctl_apply_page_ask(const CtlPosting *posting, const CtlApplyForm *form, const char *bad_field,
                         const char *message, const char *ref, const CtlApplyNotice *notice,
                         const CtlApplyAsk *ask)
{
    g_autoptr(GHashTable) vars = vars_new();
    if (ask != NULL) {
        g_hash_table_insert(vars, "question", g_strdup(ask->text));
        g_hash_table_insert(vars, "question_error", g_strdup(ask->error));
        g_hash_table_insert(vars, "question_note", g_strdup(ask->note));
        g_hash_table_insert(vars, "og_url", g_strdup(ask->og_url));
        g_hash_table_insert(vars, "og_image", g_strdup(ask->og_image));
    }
    put_posting(vars, posting);
    put_notice(vars, notice);
    if (ref != NULL)
        g_hash_table_insert(vars, "ref", g_strdup(ref));
    else if (form != NULL && form->ref != NULL)
        g_hash_table_insert(vars, "ref", g_strdup(form->ref));
    /* One of three names, never what a URL or a form said. */
    g_hash_table_insert(vars, "src",
                        g_strdup(ctl_source_name(form != NULL ? form->src : CTL_SOURCE_STREAM)));
    if (form != NULL) {
        g_hash_table_insert(vars, "name", g_strdup(form->name));
        g_hash_table_insert(vars, "phone", g_strdup(form->phone));
        if (form->consent)
            g_hash_table_insert(vars, "consent_checked", g_strdup("checked"));
    }
    if (bad_field != NULL && message != NULL) {
        const char *key = error_key(bad_field);
        g_hash_table_insert(vars, (gpointer)key, g_strdup(message));
        if (strcmp(key, "form_error") != 0)
            g_hash_table_insert(vars, "form_error", g_strdup("请检查下面标出的内容后重新提交"));
    }
    g_autofree char *page = render_resource("/jobcast/web/apply.html", vars);
    return insert_at(page, "<!--faq-->\n",
                     ask != NULL && ask->faq_html != NULL ? ask->faq_html : "");
}

char *ctl_apply_thanks_page(const CtlPosting *posting, const char *code, const char *status_hash)
{
    g_autoptr(GHashTable) vars = vars_new();
    put_posting(vars, posting);
    if (code != NULL) {
        g_hash_table_insert(vars, "code", g_strdup(code));
        g_hash_table_insert(vars, "status_hash", g_strdup(status_hash != NULL ? status_hash : ""));
        /* Grouped by four for writing down (ctl_withdraw_code_display does the same). */
        g_hash_table_insert(vars, "code_display",
                            strlen(code) == 12
                                ? g_strdup_printf("%.4s-%.4s-%.4s", code, code + 4, code + 8)
                                : g_strdup(code));
    } else {
        g_hash_table_insert(vars, "withdraw_hidden", g_strdup("hidden"));
    }
    g_hash_table_insert(vars, "heading", g_strdup("报名成功"));
    g_hash_table_insert(vars, "message",
                        g_strdup("用工单位会在一个工作日内给您打电话，请保持手机畅通，留意来电。"
                                 "同一个手机号只需报名一次。"));
    return render_resource("/jobcast/web/apply-thanks.html", vars);
}

char *ctl_apply_closed_page(const CtlPosting *posting, const GPtrArray *open)
{
    g_autoptr(GHashTable) vars = vars_new();
    put_posting(vars, posting);
    g_autofree char *page = render_resource("/jobcast/web/apply-closed.html", vars);
    GString *list = g_string_new(NULL);
    for (guint i = 0; open != NULL && i < open->len; i++) {
        const CtlPosting *p = g_ptr_array_index(open, i);
        g_autofree char *title = g_markup_escape_text(p->title, -1);
        g_autofree char *company = g_markup_escape_text(p->company, -1);
        g_string_append_printf(list,
                               "    <li><a class=\"button\" href=\"/a/%" G_GINT64_FORMAT
                               "\">%s（%s）</a></li>\n",
                               p->id, title, company);
    }
    if (list->len == 0)
        g_string_append(list, "    <li>目前没有正在招聘的岗位，请稍后再来看看。</li>\n");
    g_autofree char *items = g_string_free(list, FALSE);
    const char *marker = "<!--open-postings-->\n";
    const char *at = strstr(page, marker);
    g_assert(at != NULL);
    return g_strdup_printf("%.*s%s%s", (int)(at - page), page, items, at + strlen(marker));
}

char *ctl_apply_message_page(const char *heading, const char *message)
{
    g_autoptr(GHashTable) vars = vars_new();
    g_hash_table_insert(vars, "heading", g_strdup(heading));
    g_hash_table_insert(vars, "message", g_strdup(message));
    return render_resource("/jobcast/web/message.html", vars);
}

void ctl_apply_code_clear(CtlApplyCode *c)
{
    g_clear_pointer(&c->verify_id, g_free);
    g_clear_pointer(&c->code, g_free);
    c->posting_id = 0;
}

gboolean ctl_apply_parse_code(const char *body, gsize len, gboolean json, CtlApplyCode *out,
                              GError **error)
{
    memset(out, 0, sizeof *out);
    if (json) {
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonNode *root = NULL;
        if (ctl_json_shape(body, len, CTL_JSON_MAX_DEPTH) == CTL_JSON_PLAIN &&
            json_parser_load_from_data(parser, body, (gssize)len, NULL))
            root = json_parser_get_root(parser);
        if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
            g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                                "请求格式错误：需要一个 JSON 对象");
            return FALSE;
        }
        JsonObject *obj = json_node_get_object(root);
        if (member_is(obj, "verify_id", G_TYPE_STRING))
            out->verify_id = g_strndup(json_object_get_string_member(obj, "verify_id"), 64);
        if (member_is(obj, "code", G_TYPE_STRING))
            out->code = g_strndup(json_object_get_string_member(obj, "code"), 64);
        if (member_is(obj, "posting_id", G_TYPE_INT64))
            out->posting_id = MAX(json_object_get_int_member(obj, "posting_id"), 0);
        return TRUE;
    }
    g_autoptr(GHashTable) params =
        g_uri_parse_params(body, (gssize)len, "&", G_URI_PARAMS_WWW_FORM, NULL);
    if (params == NULL) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "表单格式错误");
        return FALSE;
    }
    const char *id = g_hash_table_lookup(params, "verify_id");
    const char *code = g_hash_table_lookup(params, "code");
    out->verify_id = id != NULL ? g_strndup(id, 64) : NULL;
    out->code = code != NULL ? g_strndup(code, 64) : NULL;
    const char *posting = g_hash_table_lookup(params, "posting_id");
    guint64 parsed = 0;
    if (posting != NULL && g_ascii_string_to_unsigned(posting, 10, 1, G_MAXINT64, &parsed, NULL))
        out->posting_id = (gint64)parsed;
    return TRUE;
}

char *ctl_apply_normalise_digits(const char *typed, gsize len)
{
    if (typed == NULL || len == 0 || len > 16 || !g_utf8_validate(typed, -1, NULL))
        return NULL;
    char digits[17];
    gsize n = 0;
    for (const char *s = typed; *s != '\0'; s = g_utf8_next_char(s)) {
        gunichar c = g_utf8_get_char(s);
        gboolean ascii = c >= '0' && c <= '9';
        gboolean wide = c >= 0xFF10 && c <= 0xFF19;
        if ((ascii || wide) && n == len)
            return NULL;
        if (ascii)
            digits[n++] = (char)c;
        else if (wide)
            digits[n++] = (char)('0' + (c - 0xFF10));
        else if (!g_unichar_isspace(c) && !is_dash(c))
            return NULL;
    }
    digits[n] = '\0';
    return n == len ? g_strdup(digits) : NULL;
}

char *ctl_apply_normalise_code(const char *typed)
{
    return ctl_apply_normalise_digits(typed, CTL_APPLY_CODE_LEN);
}

char *ctl_apply_code_page(const char *typed, const char *error)
{
    g_autoptr(GHashTable) vars = vars_new();
    /* What was typed goes back into the box (escaped), cut to what the box holds. */
    if (typed != NULL && g_utf8_validate(typed, -1, NULL))
        g_hash_table_insert(vars, "code",
                            g_utf8_substring(typed, 0, MIN(g_utf8_strlen(typed, -1), 16)));
    if (error != NULL)
        g_hash_table_insert(vars, "error", g_strdup(error));
    return render_resource("/jobcast/web/code.html", vars);
}

char *ctl_apply_verify_page(const CtlPosting *posting, const char *verify_id,
                            const char *phone_masked, guint ttl_minutes, const char *error,
                            const char *note)
{
    g_autoptr(GHashTable) vars = vars_new();
    put_posting(vars, posting);
    g_hash_table_insert(vars, "verify_id", g_strdup(verify_id));
    g_hash_table_insert(vars, "phone_masked", g_strdup(phone_masked));
    g_hash_table_insert(vars, "ttl_minutes", g_strdup_printf("%u", MAX(ttl_minutes, 1u)));
    if (error != NULL)
        g_hash_table_insert(vars, "code_error", g_strdup(error));
    g_hash_table_insert(vars, "resend_note",
                        g_strdup(note != NULL ? note : "一分钟后还没收到，可以重新发送。"));
    return render_resource("/jobcast/web/apply-verify.html", vars);
}
