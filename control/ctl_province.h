/* ctl_province: the province link's up direction: a sync worker that ships the room's outbox
 * (ctl_store_outbox.h) to the province's PostgreSQL, in order, in batches, exactly once, and
 * what it tells the control page and /metrics about it.
 *
 * Threads: ctl_province_start, _stop, _status_json and _metrics run on the main thread; the
 * worker runs on its own thread with its own read-only SQLite connection and its own libpq
 * connection, and never touches the main loop. The crossing (ctl_province.c): the status under
 * one mutex, the stop flag with a condition variable; "shipped up to N" goes back to the store
 * through the store writer's queue (ctl_store_mark_shipped), never through a second writer.
 * Not responsible for the outbox rows themselves (the schema's triggers) or the down direction. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

typedef struct CtlProvince CtlProvince;

typedef struct {
    const char *url;         /* a libpq connection URI (postgresql://...); its password is a
                                secret: never logged, shown or put in an error */
    const char *market;      /* the room's market: a 6-digit administrative-division code */
    const char *market_name; /* shown in the province; NULL = the code */
    CtlStore *store;         /* borrowed, must outlive the province: its file is read and its
                                writer records the marks */
    guint batch_rows;        /* outbox rows per PostgreSQL transaction at most; 0 = 500 */
    guint backoff_max_ms;    /* the longest pause between attempts while the province is away;
                                0 = 15 s (it starts at 1 s, doubling, with jitter) */
} CtlProvinceConfig;

/* Checks the URL (libpq's parser; the error never quotes it), turns the store's outbox on, makes
 * the room's identity for the province (state province.room, once per database) and starts the
 * worker. Never waits for the province: connecting, creating the schema and linking the market
 * happen on the worker, which keeps retrying. NULL with JC_ERROR_INVALID (a bad URL) or
 * JC_ERROR_DB. Main thread. */
CtlProvince *ctl_province_start(const CtlProvinceConfig *cfg, GError **error);

/* Stops the worker (it finishes the statement it is in: at most the connect or statement
 * timeout) and frees everything. NULL ok. Main thread. */
void ctl_province_stop(CtlProvince *p);

/* The link's state for the control page: {"market", "market_name", "state" ("connecting", "up",
 * "down", "error"), "error" (scrubbed, or null), "outbox_rows", "lag_seconds", "shipped_seq",
 * "shipped_total"}. No URL. NULL p: JSON null. (transfer full) Main thread. */
JsonNode *ctl_province_status_json(CtlProvince *p);

/* Appends the link's Prometheus series (jobcast_province_*) to out. Nothing for NULL p. */
void ctl_province_metrics(CtlProvince *p, GString *out);

/* TRUE when code is a market code: six ASCII digits, the first not 0 (GB/T 2260 codes start
 * with the province's two digits, 11 to 82). */
gboolean ctl_province_market_valid(const char *code);

/* The password of url, decoded (libpq's parse), or NULL when it has none; for the tests and for
 * scrubbing. (transfer full) */
char *ctl_province_url_password(const char *url);

G_END_DECLS
