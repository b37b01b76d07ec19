/* Tests of themes (ovl_theme.h): a good theme file is read whole (colours, fonts, radius,
 * opacity, a logo relative to the file, safe areas); each kind of bad file is refused with the
 * file and key named; every sample posting reflows inside a custom safe area in the four layouts
 * with nothing drawn outside it; and a safe area too tight for a scannable QR code is refused. */
#include <cairo.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "gst_test.h"
#include "jc_error.h"
#include "jc_text.h"
#include "ovl_card.h"
#include "ovl_renderer.h"
#include "ovl_test.h"
#include "ovl_theme.h"
#include "ovl_ticker.h"

/* A fresh directory with theme.ini holding text and a 40x20 logo.png. (transfer full) */
static char *theme_dir(const char *text)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("jobcast-theme-XXXXXX", &error);
    g_assert_no_error(error);
    cairo_surface_t *logo = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 40, 20);
    cairo_t *cr = cairo_create(logo);
    cairo_set_source_rgb(cr, 0.1, 0.8, 0.2);
    cairo_paint(cr);
    cairo_destroy(cr);
    g_autofree char *png = g_build_filename(dir, "logo.png", NULL);
    g_assert_cmpint(cairo_surface_write_to_png(logo, png), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(logo);
    g_autofree char *ini = g_build_filename(dir, "theme.ini", NULL);
    g_assert_true(g_file_set_contents(ini, text, -1, &error));
    return dir;
}

static void remove_dir(const char *dir)
{
    const char *names[] = {"theme.ini", "logo.png"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *p = g_build_filename(dir, names[i], NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
}

static const char GOOD[] = "[theme]\n"
                           "font=Noto Sans CJK SC\n"
                           "title-font=Noto Serif CJK SC\n"
                           "corner-radius=6\n"
                           "panel-opacity=0.8\n"
                           "logo=logo.png\n"
                           "[colours]\n"
                           "panel-top=#102030\n"
                           "panel-bottom=#000000\n"
                           "accent=#e60012\n"
                           "text=white\n"
                           "pay=#ffcc00\n"
                           "ticker-background=#202020\n"
                           "[safe-area]\n"
                           "landscape=6,6,6,6\n"
                           "portrait=10,18,36,5\n";

static void test_good_file(void)
{
    g_autofree char *dir = theme_dir(GOOD);
    g_autofree char *path = g_build_filename(dir, "theme.ini", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(OvlTheme) t = ovl_theme_load(path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(t->font, ==, "Noto Sans CJK SC");
    g_assert_cmpstr(t->title_font, ==, "Noto Serif CJK SC");
    g_assert_cmpfloat(t->radius, ==, 6);
    g_assert_cmpfloat(t->panel_alpha, ==, 0.8);
    g_assert_cmpfloat_with_epsilon(t->accent.r, 0xe6 / 255.0, 1e-6);
    g_assert_cmpfloat_with_epsilon(t->accent.b, 0x12 / 255.0, 1e-6);
    g_assert_cmpfloat(t->pay.g, ==, 0.8);
    g_assert_cmpfloat(t->muted.r, ==, ovl_theme_default()->muted.r); /* not given: built-in */
    g_assert_nonnull(t->logo);
    g_assert_cmpint(cairo_image_surface_get_width(t->logo), ==, 40);
    g_assert_cmpfloat(t->portrait.bottom, ==, 36);
    OvlRect safe;
    ovl_theme_safe_area(t, 1000, 2000, &safe);
    g_assert_cmpint(safe.x, ==, 50);
    g_assert_cmpint(safe.y, ==, 200);
    g_assert_cmpint(safe.x + safe.width, ==, 820);
    g_assert_cmpint(safe.y + safe.height, ==, 1280);

    /* The theme reaches the pixels: the card's panel is drawn in its colours. */
    OvlCardSpec spec = {.title = "仓库装卸工", .apply_url = "http://127.0.0.1:8080/a/1"};
    GstVideoOverlayComposition *a = ovl_card_render(&spec, 1280, 720, NULL, &error);
    GstVideoOverlayComposition *b = ovl_card_render_themed(&spec, t, 1280, 720, NULL, &error);
    g_assert_no_error(error);
    GstVideoOverlayRectangle *ra = gst_video_overlay_composition_get_rectangle(a, 0);
    GstVideoOverlayRectangle *rb = gst_video_overlay_composition_get_rectangle(b, 0);
    gint xa, xb;
    gst_video_overlay_rectangle_get_render_rectangle(ra, &xa, NULL, NULL, NULL);
    gst_video_overlay_rectangle_get_render_rectangle(rb, &xb, NULL, NULL, NULL);
    g_assert_cmpint(xa, ==, 64);
    g_assert_cmpint(xb, ==, 77); /* 6% of 1280 */
    gst_video_overlay_composition_unref(a);
    gst_video_overlay_composition_unref(b);
    remove_dir(dir);
}

/* The built-in theme keeps the layout the golden images were made with. */
static void test_default_safe_areas(void)
{
    OvlRect safe;
    ovl_theme_safe_area(NULL, 1280, 720, &safe);
    g_assert_true(safe.x == 64 && safe.y == 36 && safe.width == 1152 && safe.height == 648);
    ovl_theme_safe_area(NULL, 720, 1280, &safe);
    g_assert_true(safe.x == 29 && safe.y == 102 && safe.width == 720 - 108 - 29 &&
                  safe.height == 1280 - 427 - 102);
}

typedef struct {
    const char *name, *text, *key; /* the error must name key (and the file) */
} BadCase;

static const BadCase BAD[] = {
    {"not-a-key-file", "this is not an ini file\n", "theme.ini"},
    {"unknown-group", "[colors]\naccent=#ff0000\n", "[colors]"},
    {"unknown-key", "[theme]\nfont-size=12\n", "font-size"},
    {"bad-colour", "[colours]\naccent=#ff00zz\n", "accent"},
    {"missing-font", "[theme]\nfont=No Such Font Family\n", "font"},
    {"missing-logo", "[theme]\nlogo=missing.png\n", "logo"},
    {"logo-not-png", "[theme]\nlogo=theme.ini\n", "logo"},
    {"bad-radius", "[theme]\ncorner-radius=many\n", "corner-radius"},
    {"bad-opacity", "[theme]\npanel-opacity=0.1\n", "panel-opacity"},
    {"bad-safe-area", "[safe-area]\nportrait=10,20,30\n", "portrait"},
    {"safe-area-no-room", "[safe-area]\nlandscape=45,5,45,5\n", "landscape"},
};

static void check_bad(gconstpointer data)
{
    const BadCase *c = data;
    g_autofree char *dir = theme_dir(c->text);
    g_autofree char *path = g_build_filename(dir, "theme.ini", NULL);
    g_autoptr(GError) error = NULL;
    OvlTheme *t = ovl_theme_load(path, &error);
    g_assert_null(t);
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, c->key));
    remove_dir(dir);
}

/* The example shipped in config/ loads. */
static void test_example_file(void)
{
    g_autofree char *path =
        g_build_filename(ovl_test_source_dir(), "config", "theme.example.ini", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(OvlTheme) t = ovl_theme_load(path, &error);
    g_assert_no_error(error);
    g_assert_cmpfloat_with_epsilon(t->accent.r, 0xe6 / 255.0, 1e-6);
}

static void test_unreadable(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_null(ovl_theme_load("/nonexistent/theme.ini", &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "/nonexistent/theme.ini"));
}

static void test_safe_area_option(void)
{
    OvlSafeArea s;
    g_autoptr(GError) error = NULL;
    g_assert_true(ovl_theme_parse_safe_area(" 8, 15 ,34,4", "--safe-area", &s, &error));
    g_assert_cmpfloat(s.bottom, ==, 34);
    const char *bad[] = {"", "1,2,3", "1,2,3,4,5", "a,b,c,d", "50,0,0,0", "-1,0,0,0", "40,0,41,0"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_clear_error(&error);
        g_assert_false(ovl_theme_parse_safe_area(bad[i], "--safe-area", &s, &error));
        g_assert_nonnull(strstr(error->message, "--safe-area"));
    }
}

/* The sample postings as cards with their apply links. (transfer full) */
static GPtrArray *posting_scenes(void)
{
    g_autofree char *path = g_build_filename(ovl_test_source_dir(), "data", "postings.json", NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_file(parser, path, &error));
    JsonArray *list = json_object_get_array_member(
        json_node_get_object(json_parser_get_root(parser)), "postings");
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)ovl_scene_unref);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *o = json_array_get_object_element(list, i);
        g_autofree char *pay = jc_format_pay(json_object_get_double_member(o, "pay_min"),
                                             json_object_get_double_member(o, "pay_max"),
                                             json_object_get_string_member(o, "pay_unit"));
        g_autofree char *url = g_strdup_printf("http://127.0.0.1:8080/a/%u", i + 1);
        OvlCardSpec spec = {json_object_get_string_member(o, "title"),
                            json_object_get_string_member(o, "company"),
                            pay,
                            json_object_get_string_member(o, "location"),
                            (int)json_object_get_int_member(o, "headcount"),
                            url,
                            1234,
                            NULL};
        OvlSceneExtras extras = {.ticker = "家政保洁员 35-45 元/时 · 电子厂普工 4500-6000 元/月",
                                 .brand = "德州零工直播间",
                                 .host_name = "主播 小王",
                                 .host_title = "德州市公益零工市场"};
        g_ptr_array_add(out, ovl_scene_new(&spec, &extras));
    }
    g_assert_cmpuint(out->len, ==, 15);
    return out;
}

static gboolean inside(const OvlRect *in, int x, int y, int w, int h)
{
    return x >= in->x && y >= in->y && x + w <= in->x + in->width && y + h <= in->y + in->height;
}

/* Every sample posting, with ticker, brand bug, lower third and counter, inside a custom safe
 * area (not the built-in one) at w x h: every rectangle the renderer publishes (a ticker strip:
 * its visible band) lies inside it, and the card with its QR code is there. */
static void check_reflow(int w, int h)
{
    OvlSafeArea custom = h > w ? (OvlSafeArea){14, 22, 30, 10} : (OvlSafeArea){12, 20, 9, 14};
    g_autoptr(OvlTheme) theme = ovl_theme_with_safe_area(NULL, &custom);
    OvlRect safe;
    ovl_theme_safe_area(theme, w, h, &safe);
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new_themed(w, h, theme, &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) scenes = posting_scenes();
    for (guint i = 0; i < scenes->len; i++) {
        g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scenes->pdata[i]), 10000));
        g_autofree char *why = ovl_renderer_last_error(r);
        g_assert_null(why);
        GstVideoOverlayComposition *comp = ovl_renderer_get(r);
        guint n = gst_video_overlay_composition_n_rectangles(comp);
        g_assert_cmpuint(n, >=, 3); /* card, QR, counter at least */
        for (guint j = 0; j < n; j++) {
            GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, j);
            gint x, y;
            guint rw, rh;
            gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &rw, &rh);
            const OvlTicker *ticker = ovl_ticker_of(rect);
            if (ticker != NULL) {
                x = ticker->band.x;
                rw = (guint)ticker->band.width;
            }
            if (!inside(&safe, x, y, (int)rw, (int)rh))
                g_error("%dx%d posting %u: rectangle %u (%d,%d %ux%u) outside the safe area "
                        "(%d,%d %dx%d)",
                        w, h, i + 1, j, x, y, rw, rh, safe.x, safe.y, safe.width, safe.height);
        }
        gst_video_overlay_composition_unref(comp);
    }
    ovl_renderer_free(r);
}

/* A safe area so tight that the QR code would need modules under 5 px at 720p: refused, saying
 * why, both by the card and by the renderer (which jobcast turns into a refused start). */
static void test_qr_guard(void)
{
    OvlSafeArea tight = {40, 5, 38, 5}; /* 158 px high at 720 */
    g_autoptr(OvlTheme) theme = ovl_theme_with_safe_area(NULL, &tight);
    OvlCardSpec spec = {.title = "仓库装卸工", .apply_url = "http://127.0.0.1:8080/a/1"};
    g_autoptr(GError) error = NULL;
    g_assert_null(ovl_card_render_themed(&spec, theme, 1280, 720, NULL, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_RENDER);
    g_assert_nonnull(strstr(error->message, "5 px"));
    g_clear_error(&error);
    g_assert_null(ovl_renderer_new_themed(1280, 720, theme, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_RENDER);
    g_assert_nonnull(strstr(error->message, "QR"));
    g_clear_error(&error);
    /* Without the apply link the same card fits: it is the QR code that is refused. */
    spec.apply_url = NULL;
    GstVideoOverlayComposition *comp =
        ovl_card_render_themed(&spec, theme, 1280, 720, NULL, &error);
    g_assert_no_error(error);
    gst_video_overlay_composition_unref(comp);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_test("/overlay/theme/good-file", test_good_file);
    g_test_add_func("/overlay/theme/default-safe-areas", test_default_safe_areas);
    add_test("/overlay/theme/example-file", test_example_file);
    g_test_add_func("/overlay/theme/bad/unreadable", test_unreadable);
    for (guint i = 0; i < G_N_ELEMENTS(BAD); i++) {
        g_autofree char *p = g_strdup_printf("/overlay/theme/bad/%s", BAD[i].name);
        g_test_add_data_func(p, &BAD[i], check_bad);
    }
    g_test_add_func("/overlay/theme/safe-area-option", test_safe_area_option);
    ovl_test_add_sizes("/overlay/theme/safe-area-reflow", check_reflow);
    add_test("/overlay/theme/qr-guard-tight-safe-area", test_qr_guard);
    return ovl_test_run();
}
