/* ctl_export: the sign-up export endpoint (see ctl_export.h). The CSV itself is ctl_csv.c's;
 * this file checks the caller and the query, and logs who exported what (exports table).
 *
 * Main thread only. */
#include "ctl_export.h"

#include "ctl_asaired.h"
#include "ctl_csv.h"
#include "ctl_query.h"
#include "ctl_reply.h"
#include "ctl_store_employers.h"
#include "jc_error.h"

/* A positive id in query argument name (absent: 0); FALSE after answering 400. */
static gboolean id_arg(CtlSession *s, const char *name, gint64 *out)
{
    g_autofree char *v = ctl_query_arg(s->wsi, name);
    guint64 id = 0;
    *out = 0;
    if (v == NULL)
        return TRUE;
    if (g_ascii_string_to_unsigned(v, 10, 1, G_MAXINT64, &id, NULL)) {
        *out = (gint64)id;
        return TRUE;
    }
    g_autofree char *message = g_strdup_printf("%s: a positive integer", name);
    ctl_reply_error(s, 400, "invalid", name, message);
    return FALSE;
}

/* The employer whose sign-ups are asked for: by its record (employer_id=N) or by its name
 * (employer=NAME, as the postings' company shows it). (transfer full) NULL after answering. */
static char *employer_of_query(CtlStore *store, CtlSession *s)
{
    gint64 id = 0;
    if (!id_arg(s, "employer_id", &id))
        return NULL;
    if (id > 0) {
        g_autoptr(GError) error = NULL;
        g_autoptr(CtlEmployerRow) row = ctl_store_get_employer(store, id, &error);
        if (row == NULL) {
            gboolean missing = g_error_matches(error, JC_ERROR, JC_ERROR_NOT_FOUND);
            ctl_reply_error(s, missing ? 404 : 500, missing ? "not_found" : "internal",
                            "employer_id",
                            missing ? "employer_id: no such employer" : "export failed");
            return NULL;
        }
        return g_steal_pointer(&row->name);
    }
    char *employer = ctl_query_arg(s->wsi, "employer");
    if (employer == NULL || employer[0] == '\0') {
        g_free(employer);
        ctl_reply_error(s, 400, "invalid", "employer", "employer: required (or employer_id)");
        return NULL;
    }
    return employer;
}

void ctl_export_get(CtlStore *store, CtlAccess *access, GTimeZone *tz, CtlSession *s)
{
    CtlWho who = ctl_access_request(access, s->wsi);
    if (who.role != CTL_ROLE_PRODUCER) {
        ctl_reply_auth_needed(s, &who);
        return;
    }
    g_autofree char *employer = employer_of_query(store, s);
    if (employer == NULL)
        return;
    g_autofree char *show = ctl_query_arg(s->wsi, "show_id");
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

void ctl_export_asaired_get(CtlStore *store, CtlAccess *access, GTimeZone *tz, CtlSession *s)
{
    CtlWho who = ctl_access_request(access, s->wsi);
    if (who.role != CTL_ROLE_PRODUCER) {
        ctl_reply_auth_needed(s, &who);
        return;
    }
    gint64 show_id = 0;
    gint64 posting_id = 0;
    if (!id_arg(s, "show_id", &show_id) || !id_arg(s, "posting_id", &posting_id))
        return;
    g_autofree char *day = ctl_query_arg(s->wsi, "day");
    CtlAsAiredQuery q;
    g_autofree char *from = NULL;
    g_autofree char *to = NULL;
    g_autoptr(GError) error = NULL;
    if (!ctl_asaired_query(show_id, day, posting_id, tz, &q, &from, &to, &error)) {
        ctl_reply_error(s, 400, "invalid", "day", error->message);
        return;
    }
    q.oldest_first = TRUE;
    GBytes *csv = ctl_csv_asaired(store, tz, &q, &error);
    if (csv == NULL) {
        g_message("control: as-aired export: %s", error->message);
        ctl_reply_error(s, 500, "internal", NULL, "export failed");
        return;
    }
    ctl_reply_header(s, "cache-control:", "no-store");
    ctl_reply_header(s, "content-disposition:", "attachment; filename=\"asaired.csv\"");
    ctl_reply(s, 200, "text/csv; charset=utf-8", csv);
}
