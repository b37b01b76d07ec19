/* ctl_metrics: the streamer's status (stream.status, built in app/jc_status.c) as Prometheus
 * series for GET /metrics: states as state sets, counters as _total, values in base units
 * (seconds, bytes, bits per second). See ctl_metrics.c for the table of series.
 *
 * Pure: reads the JSON it is given, appends text. Main thread in jobcast. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Appends the series of status (a stream.status object; NULL or another type: nothing). Never a
 * URL's path or query: an output's label is its name. */
void ctl_metrics_stream(GString *out, JsonNode *status);

/* A label value: escaped as the text format wants, a URI's secrets (stream key, query, user
 * info) hidden by the streamer's redaction rule. (transfer full) */
char *ctl_metrics_label_value(const char *s);

G_END_DECLS
