/* ctl_sources: the funnel by source (see ctl_sources.h).
 *
 * Main thread only. Counted in memory per posting (at most SOURCES_MAX postings, like the
 * funnel) and saved as increments every SAVE_S seconds in one transaction; a failed save keeps
 * them for the next one. */
#include "ctl_sources.h"

#include <string.h>

#include "ctl_rpc.h"
#include "ctl_store_sources.h"

#define SAVE_S 5
#define SOURCES_MAX 100000

/* One posting's counts; the unsaved_* part has not been written to the store yet. */
typedef struct {
    gint64 opens[CTL_SOURCE_N];
    gint64 signups[CTL_SOURCE_N];
    gint64 unsaved_opens[CTL_SOURCE_N];
    gint64 unsaved_signups[CTL_SOURCE_N];
} Counts;

struct CtlSources {
    CtlStore *store;      /* borrowed */
    GHashTable *postings; /* owned: gint64* posting id (owned) -> Counts* (owned) */
    guint timer;          /* GSource id: saves the increments */
};

static gboolean source_known(CtlSource src)
{
    return (guint)src < CTL_SOURCE_N;
}

static Counts *counts_of(CtlSources *s, gint64 posting_id)
{
    Counts *c = g_hash_table_lookup(s->postings, &posting_id);
    if (c == NULL) {
        if (g_hash_table_size(s->postings) >= SOURCES_MAX)
            return NULL;
        gint64 *key = g_memdup2(&posting_id, sizeof posting_id);
        c = g_new0(Counts, 1);
        g_hash_table_insert(s->postings, key, c);
    }
    return c;
}

static void save(CtlSources *s)
{
    g_autoptr(GArray) deltas = g_array_new(FALSE, FALSE, sizeof(CtlSourceRow));
    GHashTableIter it;
    gpointer key;
    gpointer value;
    g_hash_table_iter_init(&it, s->postings);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        Counts *c = value;
        for (int i = 0; i < CTL_SOURCE_N; i++) {
            if (c->unsaved_opens[i] > 0 || c->unsaved_signups[i] > 0) {
                CtlSourceRow r = {*(gint64 *)key, i, c->unsaved_opens[i], c->unsaved_signups[i]};
                g_array_append_val(deltas, r);
            }
        }
    }
    g_autoptr(GError) error = NULL;
    if (!ctl_store_sources_add(s->store, deltas, &error)) {
        g_message("control: saving the funnel by source: %s (retrying)", error->message);
        return;
    }
    for (guint i = 0; i < deltas->len; i++) {
        const CtlSourceRow *r = &g_array_index(deltas, CtlSourceRow, i);
        Counts *c = g_hash_table_lookup(s->postings, &r->posting_id);
        c->unsaved_opens[r->source] -= r->opens;
        c->unsaved_signups[r->source] -= r->signups;
    }
}

static gboolean on_timer(gpointer data)
{
    save(data);
    return G_SOURCE_CONTINUE;
}

CtlSources *ctl_sources_new(CtlStore *store)
{
    CtlSources *s = g_new0(CtlSources, 1);
    s->store = store;
    s->postings = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) rows = ctl_store_sources_load(store, &error);
    if (rows == NULL)
        g_message("control: restoring the funnel by source: %s", error->message);
    for (guint i = 0; rows != NULL && i < rows->len; i++) {
        const CtlSourceRow *r = &g_array_index(rows, CtlSourceRow, i);
        Counts *c = counts_of(s, r->posting_id);
        if (c != NULL && source_known((CtlSource)r->source)) {
            c->opens[r->source] = r->opens;
            c->signups[r->source] = r->signups;
        }
    }
    s->timer = g_timeout_add_seconds(SAVE_S, on_timer, s);
    return s;
}

void ctl_sources_free(CtlSources *s)
{
    if (s == NULL)
        return;
    g_source_remove(s->timer);
    save(s);
    g_hash_table_destroy(s->postings);
    g_free(s);
}

void ctl_sources_count_open(CtlSources *s, gint64 posting_id, CtlSource src)
{
    Counts *c = counts_of(s, posting_id);
    if (c != NULL && source_known(src)) {
        c->opens[src]++;
        c->unsaved_opens[src]++;
    }
}

void ctl_sources_count_signup(CtlSources *s, gint64 posting_id, CtlSource src)
{
    Counts *c = counts_of(s, posting_id);
    if (c != NULL && source_known(src)) {
        c->signups[src]++;
        c->unsaved_signups[src]++;
    }
}

/* {"stream":{"opens","signups"},"poster":{...},"code":{...}} of opens and signups. */
static JsonObject *by_name(const gint64 *opens, const gint64 *signups)
{
    JsonObject *o = json_object_new();
    for (int i = 0; i < CTL_SOURCE_N; i++) {
        JsonObject *one = json_object_new();
        json_object_set_int_member(one, "opens", opens[i]);
        json_object_set_int_member(one, "signups", signups[i]);
        json_object_set_object_member(o, ctl_source_name((CtlSource)i), one);
    }
    return o;
}

JsonNode *ctl_sources_json(CtlSources *s)
{
    gint64 opens[CTL_SOURCE_N] = {0};
    gint64 signups[CTL_SOURCE_N] = {0};
    JsonObject *postings = json_object_new();
    GHashTableIter it;
    gpointer key;
    gpointer value;
    g_hash_table_iter_init(&it, s->postings);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const Counts *c = value;
        char name[32];
        g_snprintf(name, sizeof name, "%" G_GINT64_FORMAT, *(gint64 *)key);
        json_object_set_object_member(postings, name, by_name(c->opens, c->signups));
        for (int i = 0; i < CTL_SOURCE_N; i++) {
            opens[i] += c->opens[i];
            signups[i] += c->signups[i];
        }
    }
    JsonObject *o = json_object_new();
    json_object_set_object_member(o, "total", by_name(opens, signups));
    json_object_set_object_member(o, "by_posting", postings);
    return ctl_json_object_node(o);
}
