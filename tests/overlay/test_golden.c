/* Golden images: every sample posting's card (with its QR code) in each of the four layouts,
 * composed on a transparent frame, compared with tests/data/golden/LAYOUT-NN.png within a
 * tolerance (anti-aliasing may move a little between font library builds; a moved or resized
 * element does not pass, nor a changed digit: /overlay/golden/one-digit-changed).
 *
 * Regenerate after an intended change of the design:
 *     JOBCAST_UPDATE_GOLDEN=1 ctest --test-dir build -R /overlay/golden/
 * A mismatching picture is written next to the build as screenshots/golden-LAYOUT-NN.png. */
#include <cairo.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "gst_test.h"
#include "ovl_test.h"
#include "jc_text.h"
#include "ovl_card.h"

/* A pixel differs when a channel moves more than this. A picture matches when no BLOCK x BLOCK
 * square holds more than MAX_BLOCK_DIFF differing pixels (anti-aliasing spreads thin; a changed
 * glyph is a dense patch: one digit of the pay or headcount changes 69 to 136 pixels of one
 * square, while the whole picture moves by less than 300 ppm)
 * and at most MAX_DIFF_PPM of all pixels differ. */
#define CHANNEL_TOLERANCE 24
#define BLOCK 16
#define MAX_BLOCK_DIFF 16
#define MAX_DIFF_PPM 2000

/* A card and the strings it points to that the parser does not own. */
typedef struct {
    OvlCardSpec spec;
    char *pay;  /* owned */
    char *url;  /* owned */
    char *code; /* owned */
} Sample;

static void sample_free(gpointer data)
{
    Sample *s = data;
    g_free(s->pay);
    g_free(s->url);
    g_free(s->code);
    g_free(s);
}

/* The card of every sample posting, with stable apply links; strings borrowed from *keep. */
static GPtrArray *sample_specs(JsonParser **keep)
{
    g_autofree char *path = g_build_filename(ovl_test_source_dir(), "data", "postings.json", NULL);
    *keep = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_file(*keep, path, &error));
    JsonArray *list =
        json_object_get_array_member(json_node_get_object(json_parser_get_root(*keep)), "postings");
    GPtrArray *out = g_ptr_array_new_with_free_func(sample_free);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *o = json_array_get_object_element(list, i);
        Sample *s = g_new0(Sample, 1);
        s->pay = jc_format_pay(json_object_get_double_member(o, "pay_min"),
                               json_object_get_double_member(o, "pay_max"),
                               json_object_get_string_member(o, "pay_unit"));
        s->url = g_strdup_printf("http://127.0.0.1:8080/a/%u", i + 1);
        s->code = g_strdup_printf("%04u", 1024 + i * 611);
        s->spec = (OvlCardSpec){
            .title = json_object_get_string_member(o, "title"),
            .employer = json_object_get_string_member(o, "company"),
            .pay = s->pay,
            .place = json_object_get_string_member(o, "location"),
            .headcount = (int)json_object_get_int_member(o, "headcount"),
            .apply_url = s->url,
            .code = s->code,
        };
        g_ptr_array_add(out, s);
    }
    return out;
}

/* The composition's rectangles painted in order on a transparent w x h surface. */
static cairo_surface_t *compose(GstVideoOverlayComposition *comp, int w, int h)
{
    cairo_surface_t *frame = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(frame);
    for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(comp); i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        gint x, y;
        gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, NULL, NULL);
        GstBuffer *buf = gst_video_overlay_rectangle_get_pixels_unscaled_argb(
            rect, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
        GstVideoMeta *meta = gst_buffer_get_video_meta(buf);
        GstMapInfo map;
        g_assert_true(gst_buffer_map(buf, &map, GST_MAP_READ));
        cairo_surface_t *s = cairo_image_surface_create_for_data(
            map.data + meta->offset[0], CAIRO_FORMAT_ARGB32, (int)meta->width, (int)meta->height,
            meta->stride[0]);
        cairo_set_source_surface(cr, s, x, y);
        cairo_paint(cr);
        cairo_surface_destroy(s);
        gst_buffer_unmap(buf, &map);
    }
    cairo_destroy(cr);
    cairo_surface_flush(frame);
    return frame;
}

/* How a and b differ: pixels beyond the tolerance in all (per million) and in the worst
 * BLOCK x BLOCK square, and where that square is. */
typedef struct {
    long ppm;    /* -1 on a size mismatch */
    int worst;   /* differing pixels in the worst square */
    int worst_x; /* its top-left corner */
    int worst_y;
} Diff;

static Diff diff(cairo_surface_t *a, cairo_surface_t *b)
{
    Diff d = {0};
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b)) {
        d.ppm = -1;
        return d;
    }
    int bw = (w + BLOCK - 1) / BLOCK;
    g_autofree int *blocks = g_new0(int, (gsize)bw *((h + BLOCK - 1) / BLOCK));
    long bad = 0;
    for (int y = 0; y < h; y++) {
        const guint8 *pa = cairo_image_surface_get_data(a) + y * cairo_image_surface_get_stride(a);
        const guint8 *pb = cairo_image_surface_get_data(b) + y * cairo_image_surface_get_stride(b);
        for (int x = 0; x < w; x++) {
            for (int c = 0; c < 4; c++) {
                if (abs(pa[4 * x + c] - pb[4 * x + c]) > CHANNEL_TOLERANCE) {
                    bad++;
                    int *n = &blocks[(y / BLOCK) * bw + x / BLOCK];
                    if (++*n > d.worst) {
                        d.worst = *n;
                        d.worst_x = x / BLOCK * BLOCK;
                        d.worst_y = y / BLOCK * BLOCK;
                    }
                    break;
                }
            }
        }
    }
    d.ppm = (long)(bad * 1000000 / ((long)w * h));
    return d;
}

static gboolean matches(const Diff *d)
{
    return d->ppm >= 0 && d->ppm <= MAX_DIFF_PPM && d->worst <= MAX_BLOCK_DIFF;
}

static void check_layout(int w, int h)
{
    JsonParser *parser = NULL;
    g_autoptr(GPtrArray) specs = sample_specs(&parser);
    gboolean update = g_getenv("JOBCAST_UPDATE_GOLDEN") != NULL;
    g_autofree char *dir = g_build_filename(ovl_test_source_dir(), "tests", "data", "golden", NULL);
    g_autofree char *shots = g_build_filename(ovl_test_build_dir(), "screenshots", NULL);
    int failures = 0;
    for (guint i = 0; i < specs->len; i++) {
        g_autoptr(GError) error = NULL;
        GstVideoOverlayComposition *comp =
            ovl_card_render(&((Sample *)specs->pdata[i])->spec, w, h, NULL, &error);
        g_assert_no_error(error);
        cairo_surface_t *got = compose(comp, w, h);
        gst_video_overlay_composition_unref(comp);
        g_autofree char *name = g_strdup_printf("%dx%d-%02u.png", w, h, i + 1);
        g_autofree char *golden = g_build_filename(dir, name, NULL);
        if (update) {
            g_mkdir_with_parents(dir, 0755);
            g_assert_cmpint(cairo_surface_write_to_png(got, golden), ==, CAIRO_STATUS_SUCCESS);
        } else {
            cairo_surface_t *want = cairo_image_surface_create_from_png(golden);
            g_assert_cmpint(cairo_surface_status(want), ==, CAIRO_STATUS_SUCCESS);
            Diff d = diff(got, want);
            g_test_message("%s: %ld ppm differ, worst %dx%d square %d pixels at %d,%d", name, d.ppm,
                           BLOCK, BLOCK, d.worst, d.worst_x, d.worst_y);
            if (!matches(&d)) {
                g_autofree char *shot_name = g_strdup_printf("golden-%s", name);
                g_autofree char *shot = g_build_filename(shots, shot_name, NULL);
                g_mkdir_with_parents(shots, 0755);
                cairo_surface_write_to_png(got, shot);
                g_printerr("%s: %ld ppm differ, %d pixels in the %dx%d square at %d,%d (see %s)\n",
                           name, d.ppm, d.worst, BLOCK, BLOCK, d.worst_x, d.worst_y, shot);
                failures++;
            }
            cairo_surface_destroy(want);
        }
        cairo_surface_destroy(got);
    }
    g_object_unref(parser);
    g_assert_cmpint(failures, ==, 0);
}

/* The first sample posting with one digit of its headcount, then of its pay, changed must not
 * match its golden picture, in every layout: the tolerance cannot let a wrong number through. */
static void test_one_digit_changed(void)
{
    static const int sizes[][2] = {{1280, 720}, {1920, 1080}, {720, 1280}, {1080, 1920}};
    gst_init(NULL, NULL);
    JsonParser *parser = NULL;
    g_autoptr(GPtrArray) specs = sample_specs(&parser);
    const Sample *first = specs->pdata[0];
    g_autofree char *dir = g_build_filename(ovl_test_source_dir(), "tests", "data", "golden", NULL);
    /* Posting 1: 12 people, 180-220 a day. */
    g_assert_cmpint(first->spec.headcount, ==, 12);
    g_autofree char *pay = g_strdup(first->spec.pay);
    char *digit = strchr(pay, '8');
    g_assert_nonnull(digit);
    *digit = '9';
    for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
        int w = sizes[i][0], h = sizes[i][1];
        g_autofree char *name = g_strdup_printf("%dx%d-01.png", w, h);
        g_autofree char *golden = g_build_filename(dir, name, NULL);
        cairo_surface_t *want = cairo_image_surface_create_from_png(golden);
        g_assert_cmpint(cairo_surface_status(want), ==, CAIRO_STATUS_SUCCESS);
        for (int variant = 0; variant < 3; variant++) {
            OvlCardSpec spec = first->spec;
            if (variant == 1)
                spec.headcount = 13;
            else if (variant == 2)
                spec.pay = pay;
            g_autoptr(GError) error = NULL;
            GstVideoOverlayComposition *comp = ovl_card_render(&spec, w, h, NULL, &error);
            g_assert_no_error(error);
            cairo_surface_t *got = compose(comp, w, h);
            gst_video_overlay_composition_unref(comp);
            Diff d = diff(got, want);
            g_test_message("%s %s: %ld ppm differ, %d pixels in the worst square", name,
                           variant == 0   ? "unchanged"
                           : variant == 1 ? "headcount 13"
                                          : pay,
                           d.ppm, d.worst);
            if (variant == 0 && !matches(&d))
                g_error("%s: the unchanged posting does not match its golden picture", name);
            if (variant > 0 && matches(&d))
                g_error("%s: the posting with %s (one digit changed) matches the golden picture "
                        "(%ld ppm differ, %d pixels in the worst %dx%d square)",
                        name, variant == 1 ? "headcount 13" : "pay 190 (was 180)", d.ppm, d.worst,
                        BLOCK, BLOCK);
            cairo_surface_destroy(got);
        }
        cairo_surface_destroy(want);
    }
    g_object_unref(parser);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ovl_test_add_sizes("/overlay/golden", check_layout);
    g_test_add_func("/overlay/golden/one-digit-changed", test_one_digit_changed);
    return ovl_test_run();
}
