/* ctl_stats: funnel, sign-up rate, counts and /metrics (see ctl_stats.h).
 *
 * Main thread only. The funnel is counted in memory and saved as increments every
 * FUNNEL_SAVE_S seconds in one transaction (a failed save keeps them for the next one). */
#include "ctl_stats.h"

#include <string.h>

#include "ctl_metrics.h"
#include "ctl_rpc.h"
#include "ctl_store_desk.h"

#define FUNNEL_SAVE_S 5
#define FUNNEL_MAX 100000
#define OPEN_WINDOW_US                                                                             \
    (G_GINT64_CONSTANT(3600) * G_USEC_PER_SEC) /* one counted open per address and posting */
#define OPENS_SEEN_MAX 100000                  /* (address, posting) pairs remembered */
#define OPENS_SWEEP_US (60 * G_USEC_PER_SEC)

/* Per-posting funnel (all time); the unsaved_* part has not been written to the store yet. */
typedef struct {
    gint64 opens;
    gint64 submits;
    gint64 unsaved_opens;
    gint64 unsaved_submits;
} Funnel;

struct CtlStats {
    CtlStore *store;        /* borrowed */
    GHashTable *funnel;     /* owned: gint64* posting id (owned) -> Funnel* (owned) */
    guint funnel_timer;     /* GSource id: saves the funnel's increments */
    GHashTable *opens_seen; /* owned: "POSTING ADDRESS" (owned) -> gint64* monotonic µs of the
                               open that was counted (owned); entries older than the window are
                               swept */
    gint64 swept_us;        /* monotonic: the last sweep of opens_seen */
    gint64 minute_of[60];   /* sign-ups per minute: minute_of[m % 60] = m (minutes since epoch) */
    guint per_minute[60];   /* ... and how many sign-ups were committed in it */
    guint64 committed;      /* sign-ups committed since start: a counter only ever goes up */
    CtlSources *sources;    /* owned: the funnel by source */
};

static Funnel *funnel_of(CtlStats *st, gint64 posting_id)
{
    Funnel *f = g_hash_table_lookup(st->funnel, &posting_id);
    if (f == NULL) {
        if (g_hash_table_size(st->funnel) >= FUNNEL_MAX)
            return NULL; /* ids come from URLs only after a lookup, but stay bounded anyway */
        gint64 *key = g_new(gint64, 1);
        *key = posting_id;
        f = g_new0(Funnel, 1);
        g_hash_table_insert(st->funnel, key, f);
    }
    return f;
}

static void sweep_opens(CtlStats *st, gint64 now)
{
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, st->opens_seen);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        if (now - *(gint64 *)value >= OPEN_WINDOW_US)
            g_hash_table_iter_remove(&it);
    }
    st->swept_us = now;
}

/* TRUE when client has not opened this posting's page in the last hour (and remembers it now).
 * With the table full even after a sweep (a flood from 100,000 addresses), the open counts
 * without being remembered. */
static gboolean first_open(CtlStats *st, gint64 posting_id, const char *client)
{
    gint64 now = g_get_monotonic_time();
    g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT " %s", posting_id, client);
    gint64 *seen = g_hash_table_lookup(st->opens_seen, key);
    if (seen != NULL && now - *seen < OPEN_WINDOW_US)
        return FALSE;
    if (seen != NULL) {
        *seen = now;
        return TRUE;
    }
    if (now - st->swept_us >= OPENS_SWEEP_US || g_hash_table_size(st->opens_seen) >= OPENS_SEEN_MAX)
        sweep_opens(st, now);
    if (g_hash_table_size(st->opens_seen) < OPENS_SEEN_MAX)
        g_hash_table_insert(st->opens_seen, g_steal_pointer(&key), g_memdup2(&now, sizeof now));
    return TRUE;
}

void ctl_stats_count_open(CtlStats *st, gint64 posting_id, const char *client, CtlSource src)
{
    if (!first_open(st, posting_id, client != NULL ? client : ""))
        return;
    ctl_sources_count_open(st->sources, posting_id, src);
    Funnel *f = funnel_of(st, posting_id);
    if (f != NULL) {
        f->opens++;
        f->unsaved_opens++;
    }
}

void ctl_stats_count_signup_from(CtlStats *st, gint64 posting_id, CtlSource src)
{
    ctl_sources_count_signup(st->sources, posting_id, src);
}

void ctl_stats_count_submit(CtlStats *st, gint64 posting_id)
{
    Funnel *f = funnel_of(st, posting_id);
    if (f != NULL) {
        f->submits++;
        f->unsaved_submits++;
    }
}

/* Writes the increments since the last save in one transaction. On failure (the disk, a lock
 * held past the busy timeout) they stay unsaved and go with the next save. */
static void save_funnel(CtlStats *st)
{
    g_autoptr(GArray) deltas = g_array_new(FALSE, FALSE, sizeof(CtlFunnelRow));
    GHashTableIter it;
    gpointer key;
    gpointer value;
    g_hash_table_iter_init(&it, st->funnel);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        Funnel *f = value;
        if (f->unsaved_opens > 0 || f->unsaved_submits > 0) {
            CtlFunnelRow r = {*(gint64 *)key, f->unsaved_opens, f->unsaved_submits};
            g_array_append_val(deltas, r);
        }
    }
    g_autoptr(GError) error = NULL;
    if (!ctl_store_funnel_add(st->store, deltas, &error)) {
        g_message("control: saving the apply-page funnel: %s (retrying)", error->message);
        return;
    }
    for (guint i = 0; i < deltas->len; i++) {
        const CtlFunnelRow *r = &g_array_index(deltas, CtlFunnelRow, i);
        Funnel *f = g_hash_table_lookup(st->funnel, &r->posting_id);
        f->unsaved_opens -= r->opens;
        f->unsaved_submits -= r->submits;
    }
}

static gboolean on_funnel_timer(gpointer data)
{
    save_funnel(data);
    return G_SOURCE_CONTINUE;
}

/* The funnel and the last minutes' sign-up rate as they were before a restart. */
static void restore(CtlStats *st)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) rows = ctl_store_funnel_load(st->store, &error);
    for (guint i = 0; rows != NULL && i < rows->len; i++) {
        const CtlFunnelRow *r = &g_array_index(rows, CtlFunnelRow, i);
        Funnel *f = funnel_of(st, r->posting_id);
        if (f != NULL) {
            f->opens = r->opens;
            f->submits = r->submits;
        }
    }
    gint64 counts[10];
    gint64 now = 0;
    if (rows == NULL ||
        !ctl_store_signups_per_minute(st->store, G_N_ELEMENTS(counts), counts, &now, &error)) {
        g_message("control: restoring stats: %s", error->message);
        return;
    }
    for (guint i = 0; i < G_N_ELEMENTS(counts); i++) {
        gint64 m = now - (gint64)G_N_ELEMENTS(counts) + 1 + i;
        st->minute_of[m % 60] = m;
        st->per_minute[m % 60] = (guint)counts[i];
    }
}

CtlStats *ctl_stats_new(CtlStore *store)
{
    CtlStats *st = g_new0(CtlStats, 1);
    st->store = store;
    st->funnel = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    st->opens_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    restore(st);
    st->sources = ctl_sources_new(store);
    st->funnel_timer = g_timeout_add_seconds(FUNNEL_SAVE_S, on_funnel_timer, st);
    return st;
}

void ctl_stats_free(CtlStats *st)
{
    if (st == NULL)
        return;
    if (st->funnel_timer != 0) {
        g_source_remove(st->funnel_timer);
        save_funnel(st);
    }
    g_hash_table_destroy(st->funnel);
    g_hash_table_destroy(st->opens_seen);
    ctl_sources_free(st->sources);
    g_free(st);
}

static gint64 minute_now(void)
{
    return g_get_real_time() / (60 * G_USEC_PER_SEC);
}

void ctl_stats_count_committed(CtlStats *st)
{
    gint64 m = minute_now();
    guint i = (guint)(m % 60);
    if (st->minute_of[i] != m) {
        st->minute_of[i] = m;
        st->per_minute[i] = 0;
    }
    st->per_minute[i]++;
    st->committed++;
}

JsonNode *ctl_stats_json(CtlStats *st)
{
    JsonObject *funnel = json_object_new();
    GHashTableIter it;
    gpointer key;
    gpointer value;
    g_hash_table_iter_init(&it, st->funnel);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        gint64 id = *(gint64 *)key;
        Funnel *f = value;
        JsonObject *o = json_object_new();
        json_object_set_int_member(o, "opens", f->opens);
        json_object_set_int_member(o, "submits", f->submits);
        json_object_set_int_member(o, "signups",
                                   MAX(ctl_store_count_signups(st->store, id, NULL), 0));
        char name[32];
        g_snprintf(name, sizeof name, "%" G_GINT64_FORMAT, id);
        json_object_set_object_member(funnel, name, o);
    }
    JsonArray *rate = json_array_new();
    gint64 now = minute_now();
    for (gint64 m = now - 9; m <= now; m++) {
        guint i = (guint)(m % 60);
        json_array_add_int_element(rate, st->minute_of[i] == m ? st->per_minute[i] : 0);
    }
    JsonObject *o = json_object_new();
    json_object_set_object_member(o, "funnel", funnel);
    json_object_set_array_member(o, "signups_per_minute", rate);
    json_object_set_member(o, "by_source", ctl_sources_json(st->sources));
    return ctl_json_object_node(o);
}

static void set_statuses(JsonObject *o, const CtlStatusFunnelRow *r)
{
    json_object_set_int_member(o, "contacted", r->contacted);
    json_object_set_int_member(o, "interviewed", r->interviewed);
    json_object_set_int_member(o, "hired", r->hired);
}

static void add_row(CtlStatusFunnelRow *sum, const CtlStatusFunnelRow *r)
{
    sum->signups += r->signups;
    sum->contacted += r->contacted;
    sum->interviewed += r->interviewed;
    sum->hired += r->hired;
}

/* show_id's sign-ups to hired, in all and by posting. (transfer full) */
static JsonNode *show_json(CtlStats *st, gint64 show_id)
{
    g_autoptr(GArray) rows = ctl_store_status_funnel(st->store, show_id, NULL);
    CtlStatusFunnelRow sum = {0};
    JsonObject *by = json_object_new();
    for (guint i = 0; rows != NULL && i < rows->len; i++) {
        const CtlStatusFunnelRow *r = &g_array_index(rows, CtlStatusFunnelRow, i);
        add_row(&sum, r);
        JsonObject *o = json_object_new();
        json_object_set_int_member(o, "signups", r->signups);
        set_statuses(o, r);
        char name[32];
        g_snprintf(name, sizeof name, "%" G_GINT64_FORMAT, r->posting_id);
        json_object_set_object_member(by, name, o);
    }
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "id", show_id);
    json_object_set_int_member(o, "signups", sum.signups);
    set_statuses(o, &sum);
    json_object_set_object_member(o, "by_posting", by);
    return ctl_json_object_node(o);
}

void ctl_stats_add_statuses(CtlStats *st, JsonObject *stats, gint64 show_id)
{
    JsonObject *funnel = json_object_get_object_member(stats, "funnel");
    g_autoptr(GArray) rows = ctl_store_status_funnel(st->store, -1, NULL);
    CtlStatusFunnelRow sum = {0};
    for (guint i = 0; rows != NULL && i < rows->len; i++) {
        const CtlStatusFunnelRow *r = &g_array_index(rows, CtlStatusFunnelRow, i);
        add_row(&sum, r);
        char name[32];
        g_snprintf(name, sizeof name, "%" G_GINT64_FORMAT, r->posting_id);
        JsonObject *o = json_object_get_object_member(funnel, name);
        if (o == NULL) {
            o = json_object_new();
            json_object_set_int_member(o, "opens", 0);
            json_object_set_int_member(o, "submits", 0);
            json_object_set_int_member(o, "signups", r->signups);
            json_object_set_object_member(funnel, name, o);
        }
        set_statuses(o, r);
    }
    /* Postings opened but without sign-ups have reached no status. */
    GList *names = json_object_get_members(funnel);
    for (GList *l = names; l != NULL; l = l->next) {
        JsonObject *o = json_object_get_object_member(funnel, l->data);
        if (!json_object_has_member(o, "hired")) {
            CtlStatusFunnelRow none = {0};
            set_statuses(o, &none);
        }
    }
    g_list_free(names);
    gint64 opens = 0;
    gint64 submits = 0;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, st->funnel);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        opens += ((Funnel *)value)->opens;
        submits += ((Funnel *)value)->submits;
    }
    JsonObject *totals = json_object_new();
    json_object_set_int_member(totals, "opens", opens);
    json_object_set_int_member(totals, "submits", submits);
    json_object_set_int_member(totals, "signups", sum.signups);
    set_statuses(totals, &sum);
    json_object_set_object_member(stats, "totals", totals);
    json_object_set_member(stats, "show",
                           show_id > 0 ? show_json(st, show_id) : json_node_new(JSON_NODE_NULL));
}

/* The pairs (posting id, count) of counts into by; returns their sum. */
static gint64 add_counts(JsonObject *by, const GArray *counts)
{
    gint64 total = 0;
    for (guint i = 0; counts != NULL && i + 1 < counts->len; i += 2) {
        char key[32];
        g_snprintf(key, sizeof key, "%" G_GINT64_FORMAT, g_array_index(counts, gint64, i));
        json_object_set_int_member(by, key, g_array_index(counts, gint64, i + 1));
        total += g_array_index(counts, gint64, i + 1);
    }
    return total;
}

JsonNode *ctl_stats_counts_json(CtlStats *st, gint64 show_id, GError **error)
{
    g_autoptr(GArray) all = ctl_store_count_signups_by_posting(st->store, -1, error);
    if (all == NULL)
        return NULL;
    JsonObject *by = json_object_new();
    gint64 total = add_counts(by, all);
    JsonObject *o = json_object_new();
    json_object_set_object_member(o, "by_posting", by);
    json_object_set_int_member(o, "total", total);
    JsonObject *show = json_object_new();
    gint64 show_total = 0;
    if (show_id > 0) {
        g_autoptr(GArray) in_show = ctl_store_count_signups_by_posting(st->store, show_id, NULL);
        show_total = add_counts(show, in_show);
    }
    json_object_set_object_member(o, "show_by_posting", show);
    json_object_set_int_member(o, "show_total", show_total);
    return ctl_json_object_node(o);
}

/* ---- /metrics ---- */

/* One family of one sample, with its HELP and TYPE. */
static void family(GString *out, const char *name, const char *type, const char *help, guint64 v)
{
    g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %" G_GUINT64_FORMAT "\n", name,
                           help, name, type, name, v);
}

char *ctl_stats_metrics(CtlStats *st, const CtlMetricsInput *in)
{
    GString *out = g_string_new(NULL);
    family(out, "jobcast_up", "gauge", "1 while jobcast runs", 1);
    family(out, "jobcast_pipeline_ready", "gauge", "1 once the streaming pipeline is up",
           in->pipeline_ready ? 1 : 0);
    family(out, "jobcast_control_connections", "gauge", "Open control WebSockets", in->connections);
    family(out, "jobcast_store_commits_total", "counter", "Store transactions committed",
           ctl_store_commit_count(st->store));
    g_autoptr(GArray) counts = ctl_store_count_signups_by_posting(st->store, -1, NULL);
    gint64 total = 0;
    for (guint i = 0; counts != NULL && i + 1 < counts->len; i += 2)
        total += g_array_index(counts, gint64, i + 1);
    /* What is stored falls with every withdrawal and purge, so it is a gauge; the counter is
     * what was committed since start (Prometheus reads a counter that falls as a restart). */
    family(out, "jobcast_signups_total", "counter", "Sign-ups committed since start",
           st->committed);
    family(out, "jobcast_signups_stored", "gauge", "Sign-ups in the database now",
           (guint64)MAX(total, 0));
    family(out, "jobcast_signups_pending", "gauge", "Sign-ups waiting for the disk",
           in->signups_pending);
    ctl_metrics_stream(out, in->stream);
    return g_string_free(out, FALSE);
}
