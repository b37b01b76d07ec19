/* ovl_theme: the built-in theme, theme files, safe areas, and the text and surface helpers the
 * overlay's layers share (see ovl_theme.h).
 *
 * A theme file is checked whole before anything is drawn: an unknown group or key (a typo would
 * otherwise be silently ignored), a colour Pango cannot parse, a font family fontconfig does not
 * know (Pango would quietly substitute another), a logo that is not a readable PNG, or a safe
 * area without room are all refused with the file and key in the message. */
#include "ovl_theme.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "jc_error.h"

#define LOGO_MAX 2048

/* The platforms' apps cover the bottom third and the right 15% of an upright live room with
 * comments and buttons, and its top with the room's header. */
static OvlTheme builtin = {
    .panel_top = {0.09, 0.15, 0.26},
    .panel_bottom = {0.04, 0.07, 0.14},
    .panel_alpha = 0.90,
    .accent = {1.0, 0.42, 0.10},
    .text = {1.0, 1.0, 1.0},
    .muted = {0.78, 0.83, 0.91},
    .pay = {1.0, 0.78, 0.24},
    .chip = {1.0, 0.42, 0.10},
    .cta = {1.0, 0.42, 0.10},
    .ticker_bg = {0.09, 0.15, 0.26},
    .ticker_text = {1.0, 1.0, 1.0},
    .ticker_label = {1.0, 0.42, 0.10},
    .lower_bg = {0.09, 0.15, 0.26},
    .lower_text = {1.0, 1.0, 1.0},
    .brand_bg = {0.09, 0.15, 0.26},
    .brand_text = {1.0, 1.0, 1.0},
    .font = (char *)OVL_FONT_FAMILY,
    .title_font = (char *)OVL_FONT_FAMILY,
    .radius = 14,
    .landscape = {5, 5, 5, 5},
    .portrait = {8, 15, 100.0 / 3, 4},
};

const OvlTheme *ovl_theme_default(void)
{
    return &builtin;
}

OvlTheme *ovl_theme_ref(OvlTheme *theme)
{
    g_return_val_if_fail(theme != NULL, NULL);
    return theme != &builtin ? g_atomic_rc_box_acquire(theme) : theme;
}

static void theme_clear(gpointer data)
{
    OvlTheme *theme = data;
    g_free(theme->path);
    g_free(theme->font);
    g_free(theme->title_font);
    if (theme->logo != NULL)
        cairo_surface_destroy(theme->logo);
}

void ovl_theme_unref(OvlTheme *theme)
{
    if (theme == NULL || theme == &builtin)
        return;
    g_atomic_rc_box_release_full(theme, theme_clear);
}

/* A private copy of from in a GLib reference-counted box, count 1 (the built-in theme is
 * static and not counted). (transfer full) */
static OvlTheme *theme_copy(const OvlTheme *from)
{
    /* The function, not the macro: the macro would type the copy after from (const). */
    OvlTheme *t = (g_atomic_rc_box_dup)(sizeof *t, from);
    t->path = g_strdup(from->path);
    t->font = g_strdup(from->font);
    t->title_font = g_strdup(from->title_font);
    if (t->logo != NULL)
        cairo_surface_reference(t->logo);
    return t;
}

gboolean ovl_theme_parse_safe_area(const char *value, const char *what, OvlSafeArea *safe,
                                   GError **error)
{
    g_auto(GStrv) parts = g_strsplit(value, ",", -1);
    double v[4] = {0};
    gboolean ok = g_strv_length(parts) == 4;
    for (int i = 0; ok && i < 4; i++) {
        char *end = NULL;
        const char *p = g_strstrip(parts[i]);
        v[i] = g_ascii_strtod(p, &end);
        ok = end != p && *end == '\0' && v[i] >= 0 && v[i] <= 45;
    }
    ok = ok && v[0] + v[2] <= 80 && v[1] + v[3] <= 80;
    if (!ok) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "%s: '%s' is not T,R,B,L: four margins in %% of the frame, each 0 to 45, "
                    "opposite ones 80 at most together (e.g. 8,15,34,4)",
                    what, value);
        return FALSE;
    }
    *safe = (OvlSafeArea){v[0], v[1], v[2], v[3]};
    return TRUE;
}

OvlTheme *ovl_theme_with_safe_area(const OvlTheme *theme, const OvlSafeArea *safe)
{
    OvlTheme *t = theme_copy(theme != NULL ? theme : &builtin);
    t->landscape = *safe;
    t->portrait = *safe;
    return t;
}

void ovl_theme_safe_area(const OvlTheme *theme, int width, int height, OvlRect *safe)
{
    if (theme == NULL)
        theme = &builtin;
    const OvlSafeArea *m = height > width ? &theme->portrait : &theme->landscape;
    /* Inwards: a margin that is not a whole pixel leaves the pixel it cuts into clear. The
     * epsilon keeps exact products (5% of 1280) from rounding up by floating-point noise. */
    int left = (int)lround(width * m->left / 100.0);
    int top = (int)lround(height * m->top / 100.0);
    int right = width - (int)ceil(width * m->right / 100.0 - 1e-7);
    int bottom = height - (int)ceil(height * m->bottom / 100.0 - 1e-7);
    *safe = (OvlRect){left, top, MAX(0, right - left), MAX(0, bottom - top)};
}

/* Theme-file reading. */

static const char *const GROUPS[] = {"theme", "colours", "safe-area", NULL};
static const char *const THEME_KEYS[] = {"font",          "title-font", "corner-radius",
                                         "panel-opacity", "logo",       NULL};
static const char *const SAFE_KEYS[] = {"landscape", "portrait", NULL};

typedef struct {
    const char *key;
    size_t offset;
} ColourKey;

static const ColourKey COLOUR_KEYS[] = {
    {"panel-top", offsetof(OvlTheme, panel_top)},
    {"panel-bottom", offsetof(OvlTheme, panel_bottom)},
    {"accent", offsetof(OvlTheme, accent)},
    {"text", offsetof(OvlTheme, text)},
    {"muted", offsetof(OvlTheme, muted)},
    {"pay", offsetof(OvlTheme, pay)},
    {"chip", offsetof(OvlTheme, chip)},
    {"cta", offsetof(OvlTheme, cta)},
    {"ticker-background", offsetof(OvlTheme, ticker_bg)},
    {"ticker-text", offsetof(OvlTheme, ticker_text)},
    {"ticker-label", offsetof(OvlTheme, ticker_label)},
    {"lower-third-background", offsetof(OvlTheme, lower_bg)},
    {"lower-third-text", offsetof(OvlTheme, lower_text)},
    {"brand-background", offsetof(OvlTheme, brand_bg)},
    {"brand-text", offsetof(OvlTheme, brand_text)},
};

/* Fails with a message naming the file, the key and why (transfer full: freed here). */
static gboolean bad(GError **error, const char *path, const char *group, const char *key, char *why)
{
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "theme '%s': [%s] %s: %s", path, group, key,
                why);
    g_free(why);
    return FALSE;
}

static gboolean check_keys(GKeyFile *kf, const char *path, GError **error)
{
    g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
    for (char **g = groups; *g != NULL; g++) {
        if (!g_strv_contains(GROUPS, *g)) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "theme '%s': unknown group [%s] (known: [theme], [colours], [safe-area])",
                        path, *g);
            return FALSE;
        }
        g_auto(GStrv) keys = g_key_file_get_keys(kf, *g, NULL, NULL);
        for (char **k = keys; k != NULL && *k != NULL; k++) {
            gboolean known = FALSE;
            if (strcmp(*g, "theme") == 0)
                known = g_strv_contains(THEME_KEYS, *k);
            else if (strcmp(*g, "safe-area") == 0)
                known = g_strv_contains(SAFE_KEYS, *k);
            for (guint i = 0; !known && i < G_N_ELEMENTS(COLOUR_KEYS); i++)
                known = strcmp(*g, "colours") == 0 && strcmp(*k, COLOUR_KEYS[i].key) == 0;
            if (!known)
                return bad(error, path, *g, *k, g_strdup("unknown key"));
        }
    }
    return TRUE;
}

static gboolean font_installed(const char *family)
{
    PangoFontMap *map = pango_cairo_font_map_get_default();
    PangoFontFamily **families = NULL;
    int n = 0;
    pango_font_map_list_families(map, &families, &n);
    gboolean found = FALSE;
    for (int i = 0; i < n && !found; i++)
        found = g_ascii_strcasecmp(pango_font_family_get_name(families[i]), family) == 0;
    g_free(families);
    return found;
}

static gboolean read_font(GKeyFile *kf, const char *path, const char *key, char **slot,
                          GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, "theme", key, NULL);
    if (v == NULL)
        return TRUE;
    g_strstrip(v);
    if (v[0] == '\0' || !font_installed(v))
        return bad(error, path, "theme", key,
                   g_strdup_printf("no font family '%s' is installed (fc-list : family)", v));
    g_free(*slot);
    *slot = g_steal_pointer(&v);
    return TRUE;
}

static gboolean read_number(GKeyFile *kf, const char *path, const char *key, double lo, double hi,
                            double *slot, GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, "theme", key, NULL);
    if (v == NULL)
        return TRUE;
    char *end = NULL;
    g_strstrip(v);
    double d = g_ascii_strtod(v, &end);
    if (end == v || *end != '\0' || !(d >= lo && d <= hi)) {
        return bad(error, path, "theme", key,
                   g_strdup_printf("'%s' is not a number from %g to %g", v, lo, hi));
    }
    *slot = d;
    return TRUE;
}

static gboolean read_logo(GKeyFile *kf, const char *path, OvlTheme *t, GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, "theme", "logo", NULL);
    if (v == NULL)
        return TRUE;
    g_strstrip(v);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *file = g_path_is_absolute(v) ? g_strdup(v) : g_build_filename(dir, v, NULL);
    cairo_surface_t *logo = cairo_image_surface_create_from_png(file);
    cairo_status_t st = cairo_surface_status(logo);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(logo);
        return bad(
            error, path, "theme", "logo",
            g_strdup_printf("cannot read the PNG '%s': %s", file, cairo_status_to_string(st)));
    }
    int w = cairo_image_surface_get_width(logo), h = cairo_image_surface_get_height(logo);
    if (w < 1 || h < 1 || w > LOGO_MAX || h > LOGO_MAX) {
        cairo_surface_destroy(logo);
        return bad(error, path, "theme", "logo",
                   g_strdup_printf("'%s' must be 1 to %d px wide and high", file, LOGO_MAX));
    }
    t->logo = logo;
    return TRUE;
}

static gboolean read_colours(GKeyFile *kf, const char *path, OvlTheme *t, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(COLOUR_KEYS); i++) {
        g_autofree char *v = g_key_file_get_string(kf, "colours", COLOUR_KEYS[i].key, NULL);
        if (v == NULL)
            continue;
        g_strstrip(v);
        PangoColor c;
        if (!pango_color_parse(&c, v))
            return bad(
                error, path, "colours", COLOUR_KEYS[i].key,
                g_strdup_printf("'%s' is not a colour (#rrggbb or a name such as white)", v));
        Rgb *slot = (Rgb *)((char *)t + COLOUR_KEYS[i].offset);
        *slot = (Rgb){c.red / 65535.0, c.green / 65535.0, c.blue / 65535.0};
    }
    return TRUE;
}

static gboolean read_safe_areas(GKeyFile *kf, const char *path, OvlTheme *t, GError **error)
{
    for (guint i = 0; SAFE_KEYS[i] != NULL; i++) {
        g_autofree char *v = g_key_file_get_string(kf, "safe-area", SAFE_KEYS[i], NULL);
        if (v == NULL)
            continue;
        g_autofree char *what = g_strdup_printf("theme '%s': [safe-area] %s", path, SAFE_KEYS[i]);
        if (!ovl_theme_parse_safe_area(v, what, i == 0 ? &t->landscape : &t->portrait, error))
            return FALSE;
    }
    return TRUE;
}

OvlTheme *ovl_theme_load(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) err = NULL;
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "theme '%s': %s", path, err->message);
        return NULL;
    }
    g_autoptr(OvlTheme) t = theme_copy(&builtin);
    t->path = g_strdup(path);
    if (!check_keys(kf, path, error) || !read_font(kf, path, "font", &t->font, error) ||
        !read_font(kf, path, "title-font", &t->title_font, error) ||
        !read_number(kf, path, "corner-radius", 0, 40, &t->radius, error) ||
        !read_number(kf, path, "panel-opacity", 0.3, 1, &t->panel_alpha, error) ||
        !read_logo(kf, path, t, error) || !read_colours(kf, path, t, error) ||
        !read_safe_areas(kf, path, t, error))
        return NULL;
    /* A title font follows the body font unless it was given. */
    if (!g_key_file_has_key(kf, "theme", "title-font", NULL)) {
        g_free(t->title_font);
        t->title_font = g_strdup(t->font);
    }
    return g_steal_pointer(&t);
}

OvlTheme *ovl_theme_configure(const char *path, const OvlSafeArea *safe, GError **error)
{
    g_autoptr(OvlTheme) loaded = path != NULL ? ovl_theme_load(path, error) : NULL;
    if (path != NULL && loaded == NULL)
        return NULL;
    if (safe != NULL)
        return ovl_theme_with_safe_area(loaded, safe);
    return loaded != NULL ? g_steal_pointer(&loaded) : ovl_theme_ref((OvlTheme *)&builtin);
}

/* Text and surface helpers. */

PangoContext *ovl_theme_context(void)
{
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    PangoContext *pc = pango_cairo_create_context(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    pango_context_set_language(pc, pango_language_from_string("zh-cn"));
    return pc;
}

PangoLayout *ovl_theme_line(PangoContext *pc, const char *family, const char *text, int size,
                            gboolean bold)
{
    PangoLayout *layout = pango_layout_new(pc);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(fd, (double)size * PANGO_SCALE);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_single_paragraph_mode(layout, TRUE);
    pango_layout_set_text(layout, text, -1);
    return layout;
}

int ovl_theme_extent(PangoLayout *layout, int *height)
{
    PangoRectangle logical;
    pango_layout_get_pixel_extents(layout, NULL, &logical);
    if (height != NULL)
        *height = logical.height;
    return logical.width;
}

void ovl_theme_source(cairo_t *cr, Rgb colour, double alpha)
{
    cairo_set_source_rgba(cr, colour.r, colour.g, colour.b, alpha);
}

void ovl_theme_show(cairo_t *cr, PangoLayout *layout, double x, double y, Rgb colour)
{
    ovl_theme_source(cr, colour, 1.0);
    cairo_move_to(cr, x, y);
    pango_cairo_update_layout(cr, layout);
    pango_cairo_show_layout(cr, layout);
}

GstVideoOverlayRectangle *ovl_theme_rectangle(cairo_surface_t *surface, int x, int y)
{
    cairo_surface_flush(surface);
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    /* The buffer shares the surface's pixels and holds a ref on it: no copy. */
    GstBuffer *buf = gst_buffer_new_wrapped_full(
        0, cairo_image_surface_get_data(surface), (gsize)stride * (gsize)h, 0,
        (gsize)stride * (gsize)h, cairo_surface_reference(surface),
        (GDestroyNotify)cairo_surface_destroy);
    gsize offset[GST_VIDEO_MAX_PLANES] = {0};
    gint strides[GST_VIDEO_MAX_PLANES] = {stride};
    gst_buffer_add_video_meta_full(buf, GST_VIDEO_FRAME_FLAG_NONE,
                                   GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, (guint)w, (guint)h, 1,
                                   offset, strides);
    GstVideoOverlayRectangle *rect = gst_video_overlay_rectangle_new_raw(
        buf, x, y, (guint)w, (guint)h, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
    gst_buffer_unref(buf);
    return rect;
}
