/* Tests of switching themes: a theme folder's files become named themes next to "default" (the
 * --theme file or the built-in one), bad files and names are refused when the set is made, a
 * theme without room for a scannable card is refused by the check, and a renderer switched to
 * another theme redraws the card, ticker and chrome in its colours on the worker (prepared for the
 * blend, not a new take) and keeps drawing later scenes in it. */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "gst_test.h"
#include "jc_error.h"
#include "ovl_blend.h"
#include "ovl_card.h"
#include "ovl_renderer.h"
#include "ovl_test.h"
#include "ovl_themes.h"
#include "ovl_transition.h"

#define WAIT_MS 10000

/* A red panel, opaque: nothing in the built-in theme is this red. */
static const char RED[] = "[theme]\npanel-opacity=1\n"
                          "[colours]\npanel-top=#ff0000\npanel-bottom=#ff0000\n"
                          "ticker-background=#ff0000\nbrand-background=#ff0000\n";
static const char GREEN[] = "[colours]\npanel-top=#00ff00\npanel-bottom=#00ff00\n";

/* A fresh folder holding the given files (name, text pairs, NULL-terminated). (transfer full) */
static char *make_dir(const char *const *files)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("jobcast-themes-XXXXXX", &error);
    g_assert_no_error(error);
    for (const char *const *f = files; *f != NULL; f += 2) {
        g_autofree char *path = g_build_filename(dir, f[0], NULL);
        g_assert_true(g_file_set_contents(path, f[1], -1, &error));
    }
    return dir;
}

static void remove_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    for (const char *f; d != NULL && (f = g_dir_read_name(d)) != NULL;) {
        g_autofree char *p = g_build_filename(dir, f, NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
}

static void test_names(void)
{
    const char *files[] = {"red.ini", RED,         "green.ini", GREEN, "notes.txt",
                           "x",       ".swap.ini", "[",         NULL};
    g_autofree char *dir = make_dir(files);
    const char *other[] = {"brand.ini", GREEN, NULL};
    g_autofree char *elsewhere = make_dir(other);
    g_autofree char *brand = g_build_filename(elsewhere, "brand.ini", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(OvlThemes) t = ovl_themes_new(brand, dir, NULL, &error);
    g_assert_no_error(error);
    const char *const *names = ovl_themes_names(t);
    g_assert_cmpuint(g_strv_length((char **)names), ==, 4);
    g_assert_cmpstr(names[0], ==, "default");
    g_assert_cmpstr(names[1], ==, "brand"); /* --theme's file, under its own name too */
    g_assert_cmpstr(names[2], ==, "green");
    g_assert_cmpstr(names[3], ==, "red");
    g_assert_true(ovl_themes_lookup(t, "default") == ovl_themes_lookup(t, "brand"));
    g_assert_cmpfloat(ovl_themes_lookup(t, "red")->panel_top.r, ==, 1.0);
    g_assert_null(ovl_themes_lookup(t, "blue"));

    /* "default" is current; selecting changes what ovl_themes_current() hands out. */
    g_autofree char *name = ovl_themes_current_name(t);
    g_assert_cmpstr(name, ==, "default");
    g_assert_false(ovl_themes_select(t, "blue"));
    g_assert_true(ovl_themes_select(t, "red"));
    g_autoptr(OvlTheme) cur = ovl_themes_current(t);
    g_assert_true(cur == ovl_themes_lookup(t, "red"));

    /* Without --theme, "default" is the built-in theme. */
    g_autoptr(OvlThemes) plain = ovl_themes_new(NULL, dir, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(ovl_themes_lookup(plain, "default") == ovl_theme_default());
    g_assert_cmpuint(g_strv_length((char **)ovl_themes_names(plain)), ==, 3);
    remove_dir(elsewhere);
    remove_dir(dir);
}

static void test_safe_area_applies_to_all(void)
{
    const char *files[] = {"red.ini", RED, NULL};
    g_autofree char *dir = make_dir(files);
    g_autoptr(GError) error = NULL;
    OvlSafeArea safe = {10, 10, 10, 10};
    g_autoptr(OvlThemes) t = ovl_themes_new(NULL, dir, &safe, &error);
    g_assert_no_error(error);
    g_assert_cmpfloat(ovl_themes_lookup(t, "red")->landscape.left, ==, 10);
    g_assert_cmpfloat(ovl_themes_lookup(t, "default")->portrait.bottom, ==, 10);
    remove_dir(dir);
}

/* A bad file in the folder refuses the whole set, naming the file and the key. */
static void test_bad_file_refused(void)
{
    const char *files[] = {"red.ini", RED, "typo.ini", "[colours]\naccnet=#fff\n", NULL};
    g_autofree char *dir = make_dir(files);
    g_autoptr(GError) error = NULL;
    g_assert_null(ovl_themes_new(NULL, dir, NULL, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "typo.ini"));
    g_assert_nonnull(strstr(error->message, "accnet"));
    remove_dir(dir);
}

static void test_bad_name_refused(void)
{
    static const char *const bad[] = {"default.ini", "two words.ini", "点.ini"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *files[] = {bad[i], GREEN, NULL};
        g_autofree char *dir = make_dir(files);
        g_autoptr(GError) error = NULL;
        g_assert_null(ovl_themes_new(NULL, dir, NULL, &error));
        g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
        g_assert_nonnull(strstr(error->message, bad[i]));
        remove_dir(dir);
    }
    g_autoptr(GError) error = NULL;
    g_assert_null(ovl_themes_new(NULL, "/nonexistent/jobcast-themes", NULL, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "--theme-dir"));
}

/* Every theme is checked at the frame size: one too tight for a scannable QR is named. */
static void test_check_refuses_tight(void)
{
    const char *files[] = {"red.ini", RED, "tight.ini", "[safe-area]\nlandscape=40,40,40,40\n",
                           NULL};
    g_autofree char *dir = make_dir(files);
    g_autoptr(GError) error = NULL;
    g_autoptr(OvlThemes) t = ovl_themes_new(NULL, dir, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(ovl_themes_check(t, 1280, 720, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_RENDER);
    g_assert_nonnull(strstr(error->message, "tight"));
    remove_dir(dir);
    const char *ok[] = {"red.ini", RED, NULL};
    dir = (g_free(dir), make_dir(ok));
    g_autoptr(OvlThemes) good = ovl_themes_new(NULL, dir, NULL, NULL);
    g_assert_true(ovl_themes_check(good, 1280, 720, NULL));
    remove_dir(dir);
}

/* Opaque, pure-red pixels of rect. */
static guint red_pixels(GstVideoOverlayRectangle *rect)
{
    GstBuffer *buf = gst_video_overlay_rectangle_get_pixels_unscaled_argb(
        rect, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
    GstVideoMeta *meta = gst_buffer_get_video_meta(buf);
    GstMapInfo map;
    g_assert_true(gst_buffer_map(buf, &map, GST_MAP_READ));
    guint n = 0;
    for (guint y = 0; y < meta->height; y++) {
        const guint8 *row = map.data + meta->offset[0] + (gsize)meta->stride[0] * y;
        for (guint x = 0; x < meta->width; x++) {
            /* BGRA in memory (cairo's ARGB32 on little-endian). */
            const guint8 *p = row + 4 * x;
            n += p[3] == 255 && p[2] >= 250 && p[1] <= 5 && p[0] <= 5;
        }
    }
    gst_buffer_unmap(buf, &map);
    return n;
}

static OvlScene *full_scene(const char *title, int signups)
{
    OvlCardSpec card = {title, "德州顺达物流有限公司",      "180-220 元/天", "德州市德城区",
                        12,    "http://127.0.0.1:8080/a/1", signups,         NULL};
    OvlSceneExtras x = {.ticker = "更多岗位：普工、焊工、叉车司机", .brand = "河东零工直播间"};
    return ovl_scene_new(&card, &x);
}

static void test_renderer_switches(void)
{
    const char *files[] = {"red.ini", RED, NULL};
    g_autofree char *dir = make_dir(files);
    g_autoptr(GError) error = NULL;
    g_autoptr(OvlThemes) themes = ovl_themes_new(NULL, dir, NULL, &error);
    g_assert_no_error(error);
    OvlRenderer *r = ovl_renderer_new_themed(1280, 720, NULL, &error);
    g_assert_no_error(error);
    ovl_renderer_set_transition(r, OVL_TRANSITION_FADE, 400);
    g_assert_cmpuint(ovl_renderer_set_theme(r, NULL), ==, 0); /* already the one */

    g_autoptr(OvlScene) scene = full_scene("仓库装卸工", 3);
    guint64 seq = ovl_renderer_submit(r, scene);
    g_assert_true(ovl_renderer_wait(r, seq, WAIT_MS));
    GstVideoOverlayComposition *before = ovl_renderer_get(r);
    guint n = gst_video_overlay_composition_n_rectangles(before);
    g_assert_cmpuint(n, >=, 4); /* card, QR, counter, ticker... */
    for (guint i = 0; i < n; i++)
        g_assert_cmpuint(red_pixels(gst_video_overlay_composition_get_rectangle(before, i)), ==, 0);
    OvlTransition take;
    g_assert_true(ovl_transition_of(gst_video_overlay_composition_get_rectangle(before, 0), &take));
    g_assert_cmpint(take.kind, ==, OVL_TRANSITION_FADE);

    /* The switch redraws what is on air: the card's panel and the ticker's band turn red. */
    guint64 again = ovl_renderer_set_theme(r, ovl_themes_lookup(themes, "red"));
    g_assert_cmpuint(again, >, seq);
    g_assert_true(ovl_renderer_wait(r, again, WAIT_MS));
    g_assert_null(ovl_renderer_last_error(r));
    GstVideoOverlayComposition *after = ovl_renderer_get(r);
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(after), ==, n);
    GstVideoOverlayRectangle *card = gst_video_overlay_composition_get_rectangle(after, 0);
    guint w, h;
    gst_video_overlay_rectangle_get_render_rectangle(card, NULL, NULL, &w, &h);
    g_assert_cmpuint(red_pixels(card), >, w * h / 3);
    guint red_layers = 0;
    for (guint i = 0; i < n; i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(after, i);
        g_assert_true(rect != gst_video_overlay_composition_get_rectangle(before, i));
        red_layers += red_pixels(rect) > 0;
        /* Converted for the program's I420 on the worker: the streaming thread only blends. */
        GstVideoInfo info;
        gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, 1280, 720);
        g_autoptr(OvlBlendLayer) layer = ovl_blend_layer_attached(rect, &info);
        g_assert_nonnull(layer);
    }
    g_assert_cmpuint(red_layers, >=, 3); /* card, counter, ticker band (and the brand bug) */
    /* Not a take: the card keeps the mark of the take it came with. */
    OvlTransition still;
    g_assert_true(ovl_transition_of(card, &still));
    g_assert_cmpuint(still.take, ==, take.take);
    gst_video_overlay_composition_unref(before);
    gst_video_overlay_composition_unref(after);

    /* Later scenes are drawn in the new theme too. */
    g_autoptr(OvlScene) next = full_scene("叉车司机", 0);
    seq = ovl_renderer_submit(r, next);
    g_assert_true(ovl_renderer_wait(r, seq, WAIT_MS));
    GstVideoOverlayComposition *later = ovl_renderer_get(r);
    card = gst_video_overlay_composition_get_rectangle(later, 0);
    g_assert_cmpuint(red_pixels(card), >, 0);
    g_assert_true(ovl_transition_of(card, &still));
    g_assert_cmpuint(still.take, >, take.take); /* a take is still a take */
    gst_video_overlay_composition_unref(later);

    /* And back. */
    again = ovl_renderer_set_theme(r, ovl_themes_lookup(themes, "default"));
    g_assert_true(ovl_renderer_wait(r, again, WAIT_MS));
    later = ovl_renderer_get(r);
    g_assert_cmpuint(red_pixels(gst_video_overlay_composition_get_rectangle(later, 0)), ==, 0);
    gst_video_overlay_composition_unref(later);
    ovl_renderer_free(r);
    remove_dir(dir);
}

/* A switch before the first scene applies to the first render. */
static void test_switch_before_first_scene(void)
{
    const char *files[] = {"red.ini", RED, NULL};
    g_autofree char *dir = make_dir(files);
    g_autoptr(OvlThemes) themes = ovl_themes_new(NULL, dir, NULL, NULL);
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(1280, 720, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(ovl_renderer_set_theme(r, ovl_themes_lookup(themes, "red")), ==, 0);
    g_autoptr(OvlScene) scene = full_scene("仓库装卸工", 0);
    guint64 seq = ovl_renderer_submit(r, scene);
    g_assert_true(ovl_renderer_wait(r, seq, WAIT_MS));
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    g_assert_cmpuint(red_pixels(gst_video_overlay_composition_get_rectangle(comp, 0)), >, 0);
    gst_video_overlay_composition_unref(comp);
    ovl_renderer_free(r);
    remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_test("/overlay/themes/names", test_names);
    add_test("/overlay/themes/safe-area-applies-to-all", test_safe_area_applies_to_all);
    add_test("/overlay/themes/bad-file-refused", test_bad_file_refused);
    add_test("/overlay/themes/bad-name-refused", test_bad_name_refused);
    add_test("/overlay/themes/check-refuses-tight", test_check_refuses_tight);
    add_test("/overlay/themes/renderer-switches", test_renderer_switches);
    add_test("/overlay/themes/switch-before-first-scene", test_switch_before_first_scene);
    return ovl_test_run();
}
