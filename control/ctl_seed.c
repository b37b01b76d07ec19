/* ctl_seed: a store opened from a path, and sample postings for an empty store. Each posting of the
 * document goes through ctl_posting_from_params, the validation postings.create applies to a
 * producer's posting, so a sample can never hold what a producer could not type; the whole document
 * is checked before anything is inserted.
 *
 * Main thread (the store's connection). */
#include "ctl_seed.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ctl_posting.h"
#include "jc_error.h"

/* The document's postings array, or NULL with JC_ERROR_INVALID. (transfer none: parser's) */
static JsonArray *postings_array(JsonParser *parser, const char *json, gsize len, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (len > G_MAXSSIZE || !json_parser_load_from_data(parser, json, (gssize)len, &local)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "seed document is not JSON: %s",
                    local ? local->message : "too large");
        return NULL;
    }
    JsonNode *root = json_parser_get_root(parser);
    JsonNode *list = root != NULL && JSON_NODE_HOLDS_OBJECT(root)
                         ? json_object_get_member(json_node_get_object(root), "postings")
                         : NULL;
    if (list == NULL || !JSON_NODE_HOLDS_ARRAY(list)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "seed document must be an object with a \"postings\" array");
        return NULL;
    }
    return json_node_get_array(list);
}

/* Every posting of arr, validated. (transfer full) GPtrArray of CtlPosting*; NULL with
 * JC_ERROR_INVALID naming the first bad posting (by index) and field. */
static GPtrArray *validate_all(JsonArray *arr, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)ctl_posting_free);

    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *node = json_array_get_element(arr, i);
        g_autoptr(GError) why = NULL;
        CtlPosting *p = JSON_NODE_HOLDS_OBJECT(node)
                            ? ctl_posting_from_params(json_node_get_object(node), NULL, &why)
                            : NULL;
        if (p == NULL) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "seed posting %u: %s", i,
                        why != NULL ? why->message : "not an object");
            return NULL;
        }
        g_ptr_array_add(out, p);
    }
    return g_steal_pointer(&out);
}

gboolean ctl_seed_postings(CtlStore *store, const char *json, gsize len, guint *inserted,
                           GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();

    g_return_val_if_fail(store != NULL, FALSE);
    g_return_val_if_fail(json != NULL, FALSE);
    if (inserted != NULL)
        *inserted = 0;
    JsonArray *arr = postings_array(parser, json, len, error);
    if (arr == NULL)
        return FALSE;
    g_autoptr(GPtrArray) postings = validate_all(arr, error);
    if (postings == NULL)
        return FALSE;
    return ctl_store_seed_postings(store, (CtlPosting *const *)postings->pdata, postings->len,
                                   inserted, error);
}

gboolean ctl_seed_samples(CtlStore *store, guint *inserted, GError **error)
{
    g_autoptr(GBytes) seed =
        g_resources_lookup_data("/jobcast/data/postings.json", G_RESOURCE_LOOKUP_FLAGS_NONE, error);
    if (seed == NULL)
        return FALSE;
    gsize len = 0;
    const char *json = g_bytes_get_data(seed, &len);
    return ctl_seed_postings(store, json, len, inserted, error);
}

CtlStore *ctl_seed_open(const char *path, gboolean seed, guint *seeded, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    if (seeded != NULL)
        *seeded = 0;
    g_autofree char *dir = g_path_get_dirname(path);
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_IO, "cannot create data folder %s: %s", dir,
                    g_strerror(errno));
        return NULL;
    }
    CtlStore *store = ctl_store_open(path, error);
    if (store != NULL && seed && !ctl_seed_samples(store, seeded, error))
        g_clear_pointer(&store, ctl_store_close);
    return store;
}
