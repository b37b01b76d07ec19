/* ovl_themes: a show's named themes and the current one (see ovl_themes.h).
 *
 * Names are what the control protocol accepts (graphics.theme), so a file whose name could not
 * be chosen there refuses the start rather than sitting unreachable in the folder. */
#include "ovl_themes.h"

#include <pthread.h>
#include <string.h>

#include "jc_error.h"
#include "ovl_renderer.h"

typedef struct {
    char *name;      /* owned */
    OvlTheme *theme; /* a ref */
} Entry;

struct OvlThemes {
    GPtrArray *entries; /* Entry*, owned: "default" first, then by name; fixed after new */
    GPtrArray *names;   /* const char* into entries, NULL-terminated */
    pthread_mutex_t lock;
    Entry *current; /* guarded by lock; one of entries */
};

static void entry_free(gpointer data)
{
    Entry *e = data;
    g_free(e->name);
    ovl_theme_unref(e->theme);
    g_free(e);
}

static gboolean valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > OVL_THEMES_NAME_MAX)
        return FALSE;
    for (const char *p = name; *p != '\0'; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
            return FALSE;
    return TRUE;
}

static Entry *find(OvlThemes *t, const char *name)
{
    for (guint i = 0; i < t->entries->len; i++) {
        Entry *e = g_ptr_array_index(t->entries, i);
        if (strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

static void add(OvlThemes *t, const char *name, OvlTheme *theme)
{
    Entry *e = g_new0(Entry, 1);
    e->name = g_strdup(name);
    e->theme = ovl_theme_ref(theme);
    g_ptr_array_add(t->entries, e);
}

/* file's name without ".ini" (or without nothing), or NULL when that is no theme name. */
static char *name_of(const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    if (g_str_has_suffix(base, ".ini"))
        base[strlen(base) - 4] = '\0';
    return valid_name(base) ? g_steal_pointer(&base) : NULL;
}

static gboolean add_dir(OvlThemes *t, const char *dir, const OvlSafeArea *safe, GError **error)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &err);
    if (d == NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "--theme-dir '%s': %s", dir, err->message);
        return FALSE;
    }
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    for (const char *f; (f = g_dir_read_name(d)) != NULL;)
        if (f[0] != '.' && g_str_has_suffix(f, ".ini"))
            g_ptr_array_add(files, g_strdup(f));
    g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < files->len; i++) {
        const char *f = g_ptr_array_index(files, i);
        g_autofree char *path = g_build_filename(dir, f, NULL);
        g_autofree char *name = name_of(path);
        if (name == NULL || strcmp(name, OVL_THEMES_DEFAULT) == 0) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "theme '%s': its name (the file name without .ini) must be 1 to %d "
                        "letters, digits, - and _, and not '%s'",
                        path, OVL_THEMES_NAME_MAX, OVL_THEMES_DEFAULT);
            return FALSE;
        }
        g_autoptr(OvlTheme) theme = ovl_theme_configure(path, safe, error);
        if (theme == NULL)
            return FALSE;
        add(t, name, theme);
    }
    return TRUE;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
    const Entry *x = *(Entry *const *)a, *y = *(Entry *const *)b;
    return strcmp(x->name, y->name);
}

OvlThemes *ovl_themes_new(const char *file, const char *dir, const OvlSafeArea *safe,
                          GError **error)
{
    g_autoptr(OvlTheme) fallback = ovl_theme_configure(file, safe, error);
    if (fallback == NULL)
        return NULL;
    OvlThemes *t = g_new0(OvlThemes, 1);
    t->entries = g_ptr_array_new_with_free_func(entry_free);
    pthread_mutex_init(&t->lock, NULL);
    if (dir != NULL && !add_dir(t, dir, safe, error)) {
        ovl_themes_free(t);
        return NULL;
    }
    /* --theme's file is also reachable under its own name, unless the folder holds that name:
     * then it must be the same file, or two themes would answer to one name. */
    g_autofree char *alias = file != NULL ? name_of(file) : NULL;
    if (alias != NULL && strcmp(alias, OVL_THEMES_DEFAULT) != 0) {
        Entry *same = find(t, alias);
        g_autofree char *in_dir = dir != NULL ? g_strconcat(alias, ".ini", NULL) : NULL;
        g_autofree char *a = g_canonicalize_filename(file, NULL);
        g_autofree char *b = in_dir != NULL ? g_canonicalize_filename(in_dir, dir) : g_strdup("");
        if (same == NULL) {
            add(t, alias, fallback);
        } else if (strcmp(a, b) != 0) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "--theme '%s' and --theme-dir's '%s' are both called '%s'", file, b, alias);
            ovl_themes_free(t);
            return NULL;
        }
    }
    g_ptr_array_sort(t->entries, by_name);
    Entry *def = g_new0(Entry, 1);
    def->name = g_strdup(OVL_THEMES_DEFAULT);
    def->theme = g_steal_pointer(&fallback);
    g_ptr_array_insert(t->entries, 0, def);
    t->current = def;
    t->names = g_ptr_array_new();
    for (guint i = 0; i < t->entries->len; i++)
        g_ptr_array_add(t->names, ((Entry *)g_ptr_array_index(t->entries, i))->name);
    g_ptr_array_add(t->names, NULL);
    return t;
}

gboolean ovl_themes_check(OvlThemes *themes, int width, int height, GError **error)
{
    g_return_val_if_fail(themes != NULL, FALSE);
    for (guint i = 0; i < themes->entries->len; i++) {
        Entry *e = g_ptr_array_index(themes->entries, i);
        if (!ovl_renderer_check_theme(width, height, e->theme, error)) {
            g_prefix_error(error, "theme '%s' (%s) at %dx%d: ", e->name,
                           e->theme->path != NULL ? e->theme->path : "built-in", width, height);
            return FALSE;
        }
    }
    return TRUE;
}

const char *const *ovl_themes_names(OvlThemes *themes)
{
    g_return_val_if_fail(themes != NULL, NULL);
    return (const char *const *)themes->names->pdata;
}

OvlTheme *ovl_themes_lookup(OvlThemes *themes, const char *name)
{
    g_return_val_if_fail(themes != NULL && name != NULL, NULL);
    Entry *e = find(themes, name);
    return e != NULL ? e->theme : NULL;
}

gboolean ovl_themes_select(OvlThemes *themes, const char *name)
{
    g_return_val_if_fail(themes != NULL && name != NULL, FALSE);
    Entry *e = find(themes, name);
    if (e == NULL)
        return FALSE;
    pthread_mutex_lock(&themes->lock);
    themes->current = e;
    pthread_mutex_unlock(&themes->lock);
    return TRUE;
}

OvlTheme *ovl_themes_current(OvlThemes *themes)
{
    g_return_val_if_fail(themes != NULL, NULL);
    pthread_mutex_lock(&themes->lock);
    OvlTheme *t = ovl_theme_ref(themes->current->theme);
    pthread_mutex_unlock(&themes->lock);
    return t;
}

char *ovl_themes_current_name(OvlThemes *themes)
{
    g_return_val_if_fail(themes != NULL, NULL);
    pthread_mutex_lock(&themes->lock);
    char *name = g_strdup(themes->current->name);
    pthread_mutex_unlock(&themes->lock);
    return name;
}

void ovl_themes_free(OvlThemes *themes)
{
    if (themes == NULL)
        return;
    if (themes->names != NULL)
        g_ptr_array_unref(themes->names);
    g_ptr_array_unref(themes->entries);
    pthread_mutex_destroy(&themes->lock);
    g_free(themes);
}
