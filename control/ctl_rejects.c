/* ctl_rejects: malformed requests counted by kind and logged at most once a minute per kind
 * (see ctl_rejects.h).
 *
 * Main thread only. */
#include "ctl_rejects.h"

#define LOG_EVERY_US (60 * G_USEC_PER_SEC)

static const char *const reasons[CTL_REJECT_N] = {
    [CTL_REJECT_BAD_METHOD] = "bad_method",
    [CTL_REJECT_NO_LENGTH] = "no_length",
    [CTL_REJECT_BODY_TOO_LARGE] = "body_too_large",
    [CTL_REJECT_BAD_CONTENT_TYPE] = "bad_content_type",
    [CTL_REJECT_BAD_BODY] = "bad_body",
    [CTL_REJECT_NOT_FOUND] = "not_found",
    [CTL_REJECT_HEADER_TOO_LARGE] = "header_too_large",
    [CTL_REJECT_WS_BAD_UPGRADE] = "ws_bad_upgrade",
    [CTL_REJECT_WS_TOO_LARGE] = "ws_too_large",
    [CTL_REJECT_WS_BAD_MESSAGE] = "ws_bad_message",
};

/* One kind's counts. */
typedef struct {
    guint64 total;    /* since start */
    guint64 unlogged; /* since its last log line */
    gint64 logged_us; /* monotonic time of its last log line, 0 = never */
} Kind;

struct CtlRejects {
    Kind kinds[CTL_REJECT_N];
};

CtlRejects *ctl_rejects_new(void)
{
    return g_new0(CtlRejects, 1);
}

void ctl_rejects_free(CtlRejects *r)
{
    g_free(r);
}

void ctl_rejects_count(CtlRejects *r, CtlRejectKind kind, const char *peer)
{
    if (r == NULL || kind >= CTL_REJECT_N)
        return;
    Kind *k = &r->kinds[kind];
    k->total++;
    gint64 now = g_get_monotonic_time();
    if (k->logged_us != 0 && now - k->logged_us < LOG_EVERY_US) {
        k->unlogged++;
        return;
    }
    if (k->unlogged > 0)
        g_message("control: rejected a malformed request (%s)%s%s; %" G_GUINT64_FORMAT
                  " more of this kind since the last such line (at most one a minute)",
                  reasons[kind], peer != NULL ? " from " : "", peer != NULL ? peer : "",
                  k->unlogged);
    else
        g_message("control: rejected a malformed request (%s)%s%s (more of this kind: at most "
                  "one line a minute)",
                  reasons[kind], peer != NULL ? " from " : "", peer != NULL ? peer : "");
    k->unlogged = 0;
    k->logged_us = now;
}

CtlRejectKind ctl_rejects_kind_of_status(guint status)
{
    switch (status) {
    case 400:
        return CTL_REJECT_BAD_BODY;
    case 404:
        return CTL_REJECT_NOT_FOUND;
    case 405:
        return CTL_REJECT_BAD_METHOD;
    case 411:
        return CTL_REJECT_NO_LENGTH;
    case 413:
        return CTL_REJECT_BODY_TOO_LARGE;
    case 415:
        return CTL_REJECT_BAD_CONTENT_TYPE;
    default:
        return CTL_REJECT_N;
    }
}

guint64 ctl_rejects_total(const CtlRejects *r, CtlRejectKind kind)
{
    return kind < CTL_REJECT_N ? r->kinds[kind].total : 0;
}

void ctl_rejects_metrics(const CtlRejects *r, GString *out)
{
    g_string_append(out, "# HELP jobcast_http_rejected_requests_total requests refused as "
                         "malformed, by kind\n"
                         "# TYPE jobcast_http_rejected_requests_total counter\n");
    for (int i = 0; i < CTL_REJECT_N; i++)
        g_string_append_printf(out,
                               "jobcast_http_rejected_requests_total{reason=\"%s\"} "
                               "%" G_GUINT64_FORMAT "\n",
                               reasons[i], r->kinds[i].total);
}
