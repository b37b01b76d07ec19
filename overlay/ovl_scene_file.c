/* ovl_scene_file: a scene from a key file (see ovl_scene_file.h for the format). Text is taken as
 * it is written: it reaches Pango as plain text, never markup. */
#include "ovl_scene_file.h"

#include "jc_error.h"

#define GROUP "card"

/* Reads an optional integer key into *out (left alone when absent). */
static gboolean get_int(GKeyFile *kf, const char *key, gint *out, const char *path, GError **error)
{
    if (!g_key_file_has_key(kf, GROUP, key, NULL))
        return TRUE;
    g_autoptr(GError) local = NULL;
    gint v = g_key_file_get_integer(kf, GROUP, key, &local);
    if (local != NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "scene file %s: %s: %s", path, key,
                    local->message);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

OvlScene *ovl_scene_file_load(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;
    g_autoptr(GError) local = NULL;
    if (!g_file_get_contents(path, &contents, &length, &local)) {
        g_set_error(error, JC_ERROR, JC_ERROR_IO, "cannot read scene file %s: %s", path,
                    local->message);
        return NULL;
    }
    g_autoptr(GKeyFile) kf = g_key_file_new();
    if (!g_key_file_load_from_data(kf, contents, length, G_KEY_FILE_NONE, &local)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "scene file %s: %s", path, local->message);
        return NULL;
    }
    g_autofree char *ticker = g_key_file_get_string(kf, "ticker", "text", NULL);
    g_autofree char *brand = g_key_file_get_string(kf, "room", "brand", NULL);
    g_autofree char *host_name = g_key_file_get_string(kf, "room", "host-name", NULL);
    g_autofree char *host_title = g_key_file_get_string(kf, "room", "host-title", NULL);
    g_autofree char *slate = g_key_file_get_string(kf, "slate", "text", NULL);
    OvlSceneExtras extras = {.ticker = ticker,
                             .brand = brand,
                             .host_name = host_name,
                             .host_title = host_title,
                             .slate = slate};
    if (!g_key_file_has_group(kf, GROUP))
        return ovl_scene_new(NULL, &extras);

    gint headcount = 0, signups = 0;
    if (!get_int(kf, "headcount", &headcount, path, error) ||
        !get_int(kf, "signups", &signups, path, error))
        return NULL;
    g_autofree char *title = g_key_file_get_string(kf, GROUP, "title", NULL);
    g_autofree char *employer = g_key_file_get_string(kf, GROUP, "employer", NULL);
    g_autofree char *pay = g_key_file_get_string(kf, GROUP, "pay", NULL);
    g_autofree char *place = g_key_file_get_string(kf, GROUP, "place", NULL);
    g_autofree char *apply_url = g_key_file_get_string(kf, GROUP, "apply-url", NULL);
    g_autofree char *code = g_key_file_get_string(kf, GROUP, "code", NULL);
    OvlCardSpec spec = {
        .title = title,
        .employer = employer,
        .pay = pay,
        .place = place,
        .headcount = headcount,
        .apply_url = apply_url,
        .signups = signups,
        .code = code,
    };
    return ovl_scene_new(&spec, &extras);
}
