/* ctl_csv: building the sign-up export (see ctl_csv.h). Pure apart from one store read. */
#include "ctl_csv.h"

#include <string.h>

#include "ctl_desk.h"

void ctl_csv_cell(GString *out, const char *value)
{
    const char *v = value != NULL ? value : "";
    gboolean formula =
        v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r';
    gboolean quote = formula || strpbrk(v, ",\"\r\n") != NULL;
    if (quote)
        g_string_append_c(out, '"');
    if (formula)
        g_string_append_c(out, '\'');
    for (const char *p = v; *p != '\0'; p++) {
        if (*p == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *p);
    }
    if (quote)
        g_string_append_c(out, '"');
}

/* "2026-11-27T21:15:00.123Z" -> "2026-11-28 05:15:00" in tz; the input when unparsable. */
static char *local_time(GTimeZone *tz, const char *utc)
{
    g_autoptr(GDateTime) t = utc != NULL ? g_date_time_new_from_iso8601(utc, NULL) : NULL;
    if (t == NULL)
        return g_strdup(utc != NULL ? utc : "");
    g_autoptr(GDateTime) local = g_date_time_to_timezone(t, tz);
    return g_date_time_format(local, "%Y-%m-%d %H:%M:%S");
}

static void append_row(GString *out, GTimeZone *tz, const CtlSignupRow *r)
{
    g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
    g_autofree char *pid = g_strdup_printf("%" G_GINT64_FORMAT, r->posting_id);
    g_autofree char *sid = g_strdup_printf("%" G_GINT64_FORMAT, r->show_id);
    g_autofree char *at = local_time(tz, r->created_at);
    g_autofree char *consent = r->consent_at != NULL ? local_time(tz, r->consent_at) : NULL;
    const char *cells[] = {id,       pid,
                           r->title, r->company,
                           r->name,  r->phone,
                           at,       consent != NULL ? consent : "",
                           sid,      ctl_desk_status_label(r->status),
                           r->note};
    for (gsize k = 0; k < G_N_ELEMENTS(cells); k++) {
        if (k > 0)
            g_string_append_c(out, ',');
        ctl_csv_cell(out, cells[k]);
    }
    g_string_append(out, "\r\n");
}

GBytes *ctl_csv_signups(CtlStore *store, GTimeZone *tz, const char *employer, gint64 show_id,
                        gint64 *rows, GError **error)
{
    g_autoptr(GPtrArray) list =
        ctl_store_list_signups(store, 0, show_id > 0 ? show_id : -1, employer, 0, 0, TRUE, error);
    if (list == NULL)
        return NULL;
    GString *out = g_string_new("\xEF\xBB\xBF");
    g_string_append(
        out,
        "报名编号,岗位编号,岗位,用工单位,姓名,手机号,报名时间,同意时间,场次,跟进状态,备注\r\n");
    for (guint i = 0; i < list->len; i++)
        append_row(out, tz, list->pdata[i]);
    *rows = list->len;
    return g_string_free_to_bytes(out);
}

GBytes *ctl_csv_asaired(CtlStore *store, GTimeZone *tz, const CtlAsAiredQuery *q, GError **error)
{
    g_autoptr(GPtrArray) list = ctl_store_asaired_list(store, q, error);
    if (list == NULL)
        return NULL;
    GString *out = g_string_new("\xEF\xBB\xBF");
    g_string_append(out, "编号,时间,事件,场次,岗位编号,岗位版本,岗位,用工单位,薪资(屏幕显示),"
                         "操作人,说明\r\n");
    for (guint i = 0; i < list->len; i++) {
        const CtlAsAiredRow *r = list->pdata[i];
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
        g_autofree char *at = local_time(tz, r->aired_at);
        g_autofree char *sid = g_strdup_printf("%" G_GINT64_FORMAT, r->show_id);
        g_autofree char *pid = g_strdup_printf("%" G_GINT64_FORMAT, r->posting_id);
        g_autofree char *ver = g_strdup_printf("%" G_GINT64_FORMAT, r->posting_version);
        const char *cells[] = {id,       at,         r->event,    sid,      pid,      ver,
                               r->title, r->company, r->pay_text, r->actor, r->detail};
        for (gsize k = 0; k < G_N_ELEMENTS(cells); k++) {
            if (k > 0)
                g_string_append_c(out, ',');
            ctl_csv_cell(out, cells[k]);
        }
        g_string_append(out, "\r\n");
    }
    return g_string_free_to_bytes(out);
}
