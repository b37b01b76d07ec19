/* str_retention: deletes the oldest recordings past their age or the folder's size limit, and
 * measures the free space left.
 *
 * Threads: main thread; touches only show-*.mp4 files in the recordings folder. */
#include "str_retention.h"

#include <glib/gstdio.h>
#include <sys/statvfs.h>

typedef struct {
    char *path; /* owned */
    gint64 mtime;
    guint64 size;
} Rec;

static void rec_free(gpointer data)
{
    Rec *r = data;
    g_free(r->path);
    g_free(r);
}

static gint by_age(gconstpointer a, gconstpointer b)
{
    const Rec *x = *(Rec *const *)a;
    const Rec *y = *(Rec *const *)b;
    return x->mtime < y->mtime ? -1 : x->mtime > y->mtime ? 1 : g_strcmp0(x->path, y->path);
}

/* The recordings in dir, oldest first. (transfer full) */
static GPtrArray *list(const char *dir)
{
    GPtrArray *recs = g_ptr_array_new_with_free_func(rec_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d == NULL) {
        return recs;
    }
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        if (!g_str_has_prefix(name, "show-") || !g_str_has_suffix(name, ".mp4")) {
            continue;
        }
        GStatBuf st;
        char *path = g_build_filename(dir, name, NULL);
        if (g_stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            g_free(path);
            continue;
        }
        Rec *r = g_new0(Rec, 1);
        r->path = path;
        r->mtime = (gint64)st.st_mtime;
        r->size = (guint64)st.st_size;
        g_ptr_array_add(recs, r);
    }
    g_dir_close(d);
    g_ptr_array_sort(recs, by_age);
    return recs;
}

guint str_retention_apply(const char *dir, const char *keep, gint64 max_age_s, guint64 max_bytes)
{
    g_autoptr(GPtrArray) recs = list(dir);
    guint64 total = 0;
    for (guint i = 0; i < recs->len; i++) {
        total += ((Rec *)g_ptr_array_index(recs, i))->size;
    }
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;
    guint deleted = 0;
    for (guint i = 0; i < recs->len; i++) {
        Rec *r = g_ptr_array_index(recs, i);
        gboolean too_old = max_age_s > 0 && now - r->mtime > max_age_s;
        gboolean too_big = max_bytes > 0 && total > max_bytes;
        if (!too_old && !too_big) {
            break; /* oldest first: the rest are younger, and the total fits */
        }
        if (g_strcmp0(r->path, keep) == 0) {
            continue;
        }
        if (g_remove(r->path) == 0) {
            g_message("recording %s deleted (%s)", r->path,
                      too_old ? "older than the limit"
                              : "recordings over the size "
                                "limit");
            total -= r->size;
            deleted++;
        }
    }
    return deleted;
}

guint64 str_disk_free(const char *dir)
{
    struct statvfs vfs;
    if (statvfs(dir, &vfs) != 0) {
        return G_MAXUINT64;
    }
    return (guint64)vfs.f_bavail * (guint64)vfs.f_frsize;
}
