/* ctl_stats: what the producer's statistics show: the apply-page funnel per posting (opens,
 * submissions, sign-ups), sign-ups per minute, sign-up counts per posting and show, and the
 * Prometheus text of GET /metrics.
 *
 * Main thread only. Owns the funnel (saved to the store every few seconds and when freed) and
 * the per-minute ring; reads everything else from the store or from what the caller passes. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_sources.h"
#include "ctl_store.h"

G_BEGIN_DECLS

typedef struct CtlStats CtlStats;

/* Restores the funnel and the last minutes' rate from store (borrowed, outlives the stats) and
 * starts saving the funnel every few seconds. (transfer full) */
CtlStats *ctl_stats_new(CtlStore *store);
/* Saves what is unsaved and frees. NULL is allowed. */
void ctl_stats_free(CtlStats *st);

/* An apply page was opened by client (an address) coming from src: counted once per address
 * per posting per hour (under the source of the open that counted), so that reloading, or a
 * script, cannot inflate the funnel anonymously. */
void ctl_stats_count_open(CtlStats *st, gint64 posting_id, const char *client, CtlSource src);
/* A committed sign-up (not a duplicate) of posting_id came from src. */
void ctl_stats_count_signup_from(CtlStats *st, gint64 posting_id, CtlSource src);
/* A sign-up was submitted / one was committed. */
void ctl_stats_count_submit(CtlStats *st, gint64 posting_id);
void ctl_stats_count_committed(CtlStats *st);

/* {"funnel":{"ID":{"opens":N,"submits":N,"signups":N}},"signups_per_minute":[10 numbers,
 * oldest first],"by_source":ctl_sources_json()}. (transfer full) */
JsonNode *ctl_stats_json(CtlStats *st);
/* Adds the funnel's statuses to stats (ctl_stats_json's object): contacted, interviewed and
 * hired to each posting's funnel entry (an entry made for a posting with sign-ups but no page
 * opens), "totals" (opens to hired, all time) and "show" (show_id's sign-ups to hired, in all and
 * by posting; null without a show). */
void ctl_stats_add_statuses(CtlStats *st, JsonObject *stats, gint64 show_id);
/* {"by_posting":{"ID":N},"total":N,"show_by_posting":{...},"show_total":N} for show_id (0: no
 * show). NULL with error set. (transfer full) */
JsonNode *ctl_stats_counts_json(CtlStats *st, gint64 show_id, GError **error);

/* What /metrics reports besides the store's own figures. Borrowed during the call. */
typedef struct {
    gboolean pipeline_ready;
    guint connections;     /* open control WebSockets */
    guint signups_pending; /* sign-ups the store has not answered yet */
    JsonNode *stream;      /* the streamer's status, may be NULL */
} CtlMetricsInput;

/* Prometheus text (version 0.0.4). Never a URL's path or query (where stream keys live).
 * (transfer full) */
char *ctl_stats_metrics(CtlStats *st, const CtlMetricsInput *in);

G_END_DECLS
