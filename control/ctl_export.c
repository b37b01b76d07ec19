/* ctl_export: the sign-up export endpoint (see ctl_export.h). The CSV itself is ctl_csv.c's;
 * this file checks the caller and the query, and logs who exported what (exports table).
 *
 * Main thread only. */
#include "ctl_export.h"

#include "ctl_csv.h"
#include "ctl_reply.h"

void ctl_export_get(CtlStore *store, CtlAccess *access, GTimeZone *tz, CtlSession *s)
{
    CtlWho who = ctl_access_request(access, s->wsi);
    if (who.role != CTL_ROLE_PRODUCER) {
        ctl_reply_auth_needed(s, &who);
        return;
    }
    char ebuf[256];
    const char *employer = lws_get_urlarg_by_name(s->wsi, "employer=", ebuf, sizeof ebuf);
    if (employer == NULL || employer[0] == '\0') {
        ctl_reply_error(s, 400, "invalid", "employer", "employer: required");
        return;
    }
    char sbuf[32];
    const char *show = lws_get_urlarg_by_name(s->wsi, "show_id=", sbuf, sizeof sbuf);
    guint64 show_id = 0;
    if (show != NULL && !g_ascii_string_to_unsigned(show, 10, 0, G_MAXINT64, &show_id, NULL)) {
        ctl_reply_error(s, 400, "invalid", "show_id", "show_id: a positive integer");
        return;
    }
    g_autoptr(GError) error = NULL;
    gint64 rows = 0;
    GBytes *csv = ctl_csv_signups(store, tz, employer, (gint64)show_id, &rows, &error);
    if (csv == NULL ||
        !ctl_store_log_export(store, "producer", employer, (gint64)show_id, rows, &error)) {
        g_message("control: export: %s", error->message);
        if (csv != NULL)
            g_bytes_unref(csv);
        ctl_reply_error(s, 500, "internal", NULL, "export failed");
        return;
    }
    ctl_reply_header(s, "cache-control:", "no-store");
    ctl_reply_header(s, "content-disposition:", "attachment; filename=\"signups.csv\"");
    ctl_reply(s, 200, "text/csv; charset=utf-8", csv);
}
