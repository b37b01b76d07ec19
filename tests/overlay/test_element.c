/* Tests of jobcastoverlay (GstHarness): the pixels of a known layer over a known frame in every
 * supported format against a straightforward floating-point reference, alpha edges, clipping,
 * odd geometry, global alpha, the NULL composition, the scene file and the plugin.
 *
 * The reference: for a pixel of straight colour (r, g, b) and alpha a over a frame sample s,
 *     out = s * (1 - a/255) + a/255 * Y'CbCr(r, g, b)
 * with the frame's matrix and range; a chroma sample takes the mean of a and of a * Cb/Cr over
 * its 2x2 luma pixels (outside the rectangle: a = 0). */
#include <gio/gio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "gst_test.h"
#include "ovl_test.h"
#include "ovl_blend.h"
#include "ovl_card.h"
#include "ovl_element.h"
#include "ovl_renderer.h"

#define W 64
#define H 48
#define TOLERANCE 2

/* A layer described by its straight RGBA pixels. */
typedef struct {
    int x, y, w, h;
    guint8 *rgba; /* owned; w * h * 4, straight (not premultiplied) R, G, B, A */
} Layer;

static guint8 layer_alpha(const Layer *l, int fx, int fy)
{
    int lx = fx - l->x, ly = fy - l->y;
    if (lx < 0 || ly < 0 || lx >= l->w || ly >= l->h)
        return 0;
    return l->rgba[((gsize)ly * (gsize)l->w + (gsize)lx) * 4 + 3];
}

/* Fills l with pseudo-random colours; alpha from alpha_of(i) or random when it returns < 0. */
static void layer_fill(Layer *l, guint32 seed, int fixed_alpha)
{
    GRand *rand = g_rand_new_with_seed(seed);
    l->rgba = g_malloc((gsize)l->w * (gsize)l->h * 4);
    for (int i = 0; i < l->w * l->h; i++) {
        guint8 *p = l->rgba + 4 * i;
        for (int c = 0; c < 3; c++)
            p[c] = (guint8)g_rand_int_range(rand, 0, 256);
        if (fixed_alpha >= 0) {
            p[3] = (guint8)fixed_alpha;
        } else {
            /* Plenty of the edge values 0 and 255 among the random ones. */
            int pick = g_rand_int_range(rand, 0, 4);
            p[3] = pick == 0 ? 0 : pick == 1 ? 255 : (guint8)g_rand_int_range(rand, 0, 256);
        }
    }
    g_rand_free(rand);
}

/* The layer as an overlay rectangle (native-endian ARGB, straight or premultiplied). */
static GstVideoOverlayRectangle *layer_rectangle(const Layer *l, gboolean premultiply)
{
    GstBuffer *buf = gst_buffer_new_allocate(NULL, (gsize)l->w * (gsize)l->h * 4, NULL);
    GstMapInfo map;
    g_assert_true(gst_buffer_map(buf, &map, GST_MAP_WRITE));
    guint32 *px = (guint32 *)map.data;
    for (int i = 0; i < l->w * l->h; i++) {
        const guint8 *p = l->rgba + 4 * i;
        guint32 a = p[3], r = p[0], g = p[1], b = p[2];
        if (premultiply) {
            r = (r * a + 127) / 255;
            g = (g * a + 127) / 255;
            b = (b * a + 127) / 255;
        }
        px[i] = (a << 24) | (r << 16) | (g << 8) | b;
    }
    gst_buffer_unmap(buf, &map);
    gst_buffer_add_video_meta(buf, GST_VIDEO_FRAME_FLAG_NONE,
                              GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, (guint)l->w, (guint)l->h);
    GstVideoOverlayRectangle *rect = gst_video_overlay_rectangle_new_raw(
        buf, l->x, l->y, (guint)l->w, (guint)l->h,
        premultiply ? GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA
                    : GST_VIDEO_OVERLAY_FORMAT_FLAG_NONE);
    gst_buffer_unref(buf);
    return rect;
}

static GstVideoOverlayComposition *layer_composition(const Layer *l, gboolean premultiply,
                                                     float global_alpha)
{
    GstVideoOverlayRectangle *rect = layer_rectangle(l, premultiply);
    gst_video_overlay_rectangle_set_global_alpha(rect, global_alpha);
    GstVideoOverlayComposition *comp = gst_video_overlay_composition_new(rect);
    gst_video_overlay_rectangle_unref(rect);
    return comp;
}

/* A frame with a different value in every sample, so a misplaced blend shows. */
static GstBuffer *known_frame(const GstVideoInfo *info)
{
    GstBuffer *buf = gst_buffer_new_allocate(NULL, GST_VIDEO_INFO_SIZE(info), NULL);
    GstVideoFrame frame;
    g_assert_true(gst_video_frame_map(&frame, info, buf, GST_MAP_WRITE));
    for (guint c = 0; c < 3; c++) {
        guint8 *data = GST_VIDEO_FRAME_COMP_DATA(&frame, c);
        int stride = GST_VIDEO_FRAME_COMP_STRIDE(&frame, c);
        int pstride = GST_VIDEO_FRAME_COMP_PSTRIDE(&frame, c);
        for (int y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT(&frame, c); y++) {
            for (int x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH(&frame, c); x++)
                data[y * stride + x * pstride] = (guint8)(16 + (x * 7 + y * 13 + c * 50) % 220);
        }
    }
    gst_video_frame_unmap(&frame);
    return buf;
}

static guint8 sample_at(GstVideoFrame *f, guint c, int x, int y)
{
    const guint8 *data = GST_VIDEO_FRAME_COMP_DATA(f, c);
    return data[y * GST_VIDEO_FRAME_COMP_STRIDE(f, c) + x * GST_VIDEO_FRAME_COMP_PSTRIDE(f, c)];
}

/* Premultiplied Y', Cb, Cr (indices 0..2) of one layer pixel, scaled by a/255, unrounded. */
static void reference_pre(const GstVideoInfo *info, const guint8 *p, double out[3])
{
    double kr, kb;
    g_assert_true(gst_video_color_matrix_get_Kr_Kb(info->colorimetry.matrix, &kr, &kb));
    gint offset[GST_VIDEO_MAX_COMPONENTS], scale[GST_VIDEO_MAX_COMPONENTS];
    gst_video_color_range_offsets(info->colorimetry.range, info->finfo, offset, scale);
    double r = p[0] / 255.0, g = p[1] / 255.0, b = p[2] / 255.0, a = p[3] / 255.0;
    double ey = kr * r + (1 - kr - kb) * g + kb * b;
    out[0] = a * (offset[0] + scale[0] * ey);
    out[1] = a * (offset[1] + scale[1] * (b - ey) / (2 * (1 - kb)));
    out[2] = a * (offset[2] + scale[2] * (r - ey) / (2 * (1 - kr)));
}

/* Asserts every sample of out against the reference blend of l (global alpha g) over in. */
static void check_blend(const GstVideoInfo *info, GstBuffer *in, GstBuffer *out, const Layer *l,
                        double g)
{
    GstVideoFrame fi, fo;
    g_assert_true(gst_video_frame_map(&fi, info, in, GST_MAP_READ));
    g_assert_true(gst_video_frame_map(&fo, info, out, GST_MAP_READ));
    int width = GST_VIDEO_INFO_WIDTH(info), height = GST_VIDEO_INFO_HEIGHT(info);
    int worst = 0;
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            guint8 a = layer_alpha(l, x, y);
            double want = sample_at(&fi, 0, x, y);
            if (a != 0) {
                double pre[3];
                reference_pre(info, l->rgba + ((gsize)(y - l->y) * (gsize)l->w + (x - l->x)) * 4,
                              pre);
                want = want * (1 - g * a / 255.0) + g * pre[0];
            }
            int diff = abs((int)lround(want) - sample_at(&fo, 0, x, y));
            if (a == 0)
                g_assert_cmpint(diff, ==, 0); /* untouched where nothing is drawn */
            worst = MAX(worst, diff);
        }
    }
    for (guint c = 1; c < 3; c++) {
        for (int cy = 0; cy < GST_VIDEO_FRAME_COMP_HEIGHT(&fi, c); cy++) {
            for (int cx = 0; cx < GST_VIDEO_FRAME_COMP_WIDTH(&fi, c); cx++) {
                double sum_a = 0, sum_pre = 0;
                for (int d = 0; d < 4; d++) {
                    int x = 2 * cx + (d & 1), y = 2 * cy + (d >> 1);
                    guint8 a = layer_alpha(l, x, y);
                    if (a == 0)
                        continue;
                    double pre[3];
                    reference_pre(
                        info, l->rgba + ((gsize)(y - l->y) * (gsize)l->w + (x - l->x)) * 4, pre);
                    sum_a += a / 255.0;
                    sum_pre += pre[c];
                }
                double want = sample_at(&fi, c, cx, cy) * (1 - g * sum_a / 4) + g * sum_pre / 4;
                int diff = abs((int)lround(want) - sample_at(&fo, c, cx, cy));
                if (sum_a == 0)
                    g_assert_cmpint(diff, ==, 0);
                worst = MAX(worst, diff);
            }
        }
    }
    gst_video_frame_unmap(&fi);
    gst_video_frame_unmap(&fo);
    g_assert_cmpint(worst, <=, TOLERANCE);
}

static GstVideoOverlayComposition *on_draw(GstElement *e, GstSample *sample, gpointer data)
{
    g_assert_nonnull(gst_sample_get_buffer(sample));
    g_assert_nonnull(gst_sample_get_caps(sample));
    GstVideoOverlayComposition *comp = data;
    return comp != NULL ? gst_video_overlay_composition_ref(comp) : NULL;
}

static GstHarness *harness_with(const char *caps, GstVideoOverlayComposition *comp,
                                GstVideoInfo *info)
{
    g_assert_true(ovl_element_register());
    GstHarness *h = gst_harness_new("jobcastoverlay");
    g_signal_connect(h->element, "draw", G_CALLBACK(on_draw), comp);
    gst_harness_set_src_caps_str(h, caps);
    GstCaps *c = gst_caps_from_string(caps);
    g_assert_true(gst_video_info_from_caps(info, c));
    gst_caps_unref(c);
    return h;
}

/* Pushes a known frame through an element drawing l and checks the result; returns nothing. */
static void run_layer(const char *format, int width, int height, Layer *l, gboolean premultiply,
                      float global_alpha, const char *extra_caps)
{
    g_autofree char *caps =
        g_strdup_printf("video/x-raw,format=%s,width=%d,height=%d,framerate=30/1%s", format, width,
                        height, extra_caps != NULL ? extra_caps : "");
    GstVideoOverlayComposition *comp = layer_composition(l, premultiply, global_alpha);
    GstVideoInfo info;
    GstHarness *h = harness_with(caps, comp, &info);
    GstBuffer *in = known_frame(&info);
    /* Twice: the second frame runs from the element's cache of converted layers. */
    for (int i = 0; i < 2; i++) {
        GstBuffer *out = gst_harness_push_and_pull(h, gst_buffer_copy_deep(in));
        g_assert_nonnull(out);
        check_blend(&info, in, out, l, global_alpha);
        gst_buffer_unref(out);
    }
    gst_buffer_unref(in);
    gst_harness_teardown(h);
    gst_video_overlay_composition_unref(comp);
    g_free(l->rgba);
}

static void test_blend_format(const char *format, gboolean premultiply)
{
    Layer l = {.x = 10, .y = 6, .w = 30, .h = 20};
    layer_fill(&l, 1, -1);
    run_layer(format, W, H, &l, premultiply, 1.0f, NULL);
}

static void test_blend_i420(void)
{
    test_blend_format("I420", FALSE);
}

static void test_blend_nv12(void)
{
    test_blend_format("NV12", FALSE);
}

static void test_blend_yv12(void)
{
    test_blend_format("YV12", FALSE);
}

static void test_blend_premultiplied(void)
{
    test_blend_format("I420", TRUE);
}

static void test_blend_bt709_full_range(void)
{
    Layer l = {.x = 4, .y = 2, .w = 40, .h = 30};
    layer_fill(&l, 2, -1);
    run_layer("NV12", W, H, &l, FALSE, 1.0f, ",colorimetry=(string)1:3:5:1");
}

static void test_alpha_edges(void)
{
    static const int alphas[] = {0, 255, 128, 1, 254};
    const char *formats[] = {"I420", "NV12"};
    for (guint f = 0; f < G_N_ELEMENTS(formats); f++) {
        for (guint i = 0; i < G_N_ELEMENTS(alphas); i++) {
            Layer l = {.x = 8, .y = 8, .w = 16, .h = 16};
            layer_fill(&l, 3 + i, alphas[i]);
            run_layer(formats[f], W, H, &l, FALSE, 1.0f, NULL);
        }
    }
}

static void test_clipped(void)
{
    /* Hanging over each edge in turn, and over all of them at once. */
    static const int boxes[][4] = {
        {-7, 5, 20, 10}, {50, 5, 20, 10}, {5, -9, 10, 20}, {5, 40, 10, 20}, {-3, -3, 80, 60}};
    for (guint f = 0; f < 2; f++) {
        for (guint i = 0; i < G_N_ELEMENTS(boxes); i++) {
            Layer l = {boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3], NULL};
            layer_fill(&l, 10 + i, -1);
            run_layer(f == 0 ? "I420" : "NV12", W, H, &l, FALSE, 1.0f, NULL);
        }
    }
}

static void test_odd_geometry(void)
{
    static const int boxes[][4] = {{11, 7, 13, 9}, {1, 1, 1, 1}, {3, 4, 2, 5}, {-1, -1, 3, 3}};
    for (guint f = 0; f < 3; f++) {
        for (guint i = 0; i < G_N_ELEMENTS(boxes); i++) {
            Layer l = {boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3], NULL};
            layer_fill(&l, 20 + i, -1);
            run_layer(f == 0 ? "I420" : f == 1 ? "NV12" : "YV12", W, H, &l, FALSE, 1.0f, NULL);
        }
    }
    /* An odd frame size: the last chroma column/row covers one luma pixel. */
    Layer l = {.x = 50, .y = 30, .w = 15, .h = 11};
    layer_fill(&l, 30, -1);
    run_layer("I420", 65, 41, &l, FALSE, 1.0f, NULL);
}

static void test_global_alpha(void)
{
    static const float alphas[] = {0.5f, 0.0f, 0.25f};
    for (guint i = 0; i < G_N_ELEMENTS(alphas); i++) {
        Layer l = {.x = 6, .y = 4, .w = 30, .h = 30};
        layer_fill(&l, 40 + i, -1);
        run_layer("I420", W, H, &l, FALSE, alphas[i], NULL);
    }
}

/* A composition with two rectangles, one over the other: applied in order. */
static void test_two_rectangles_in_order(void)
{
    Layer a = {.x = 4, .y = 4, .w = 20, .h = 20}, b = {.x = 14, .y = 14, .w = 20, .h = 20};
    layer_fill(&a, 50, 255);
    layer_fill(&b, 51, 255);
    GstVideoOverlayRectangle *ra = layer_rectangle(&a, FALSE), *rb = layer_rectangle(&b, FALSE);
    GstVideoOverlayComposition *comp = gst_video_overlay_composition_new(ra);
    gst_video_overlay_composition_add_rectangle(comp, rb);
    gst_video_overlay_rectangle_unref(ra);
    gst_video_overlay_rectangle_unref(rb);
    GstVideoInfo info;
    GstHarness *h =
        harness_with("video/x-raw,format=I420,width=64,height=48,framerate=30/1", comp, &info);
    GstBuffer *in = known_frame(&info);
    GstBuffer *out = gst_harness_push_and_pull(h, gst_buffer_copy_deep(in));
    /* Where they overlap, b (opaque, drawn last) is all that shows. */
    GstVideoFrame fo;
    g_assert_true(gst_video_frame_map(&fo, &info, out, GST_MAP_READ));
    double pre[3];
    reference_pre(&info, b.rgba + ((gsize)6 * 20 + 6) * 4, pre);
    g_assert_cmpint(labs(lround(pre[0]) - sample_at(&fo, 0, 20, 20)), <=, 1);
    gst_video_frame_unmap(&fo);
    gst_buffer_unref(out);
    gst_buffer_unref(in);
    gst_harness_teardown(h);
    gst_video_overlay_composition_unref(comp);
    g_free(a.rgba);
    g_free(b.rgba);
}

static void test_null_passes_through(void)
{
    GstVideoInfo info;
    GstHarness *h =
        harness_with("video/x-raw,format=NV12,width=64,height=48,framerate=30/1", NULL, &info);
    GstBuffer *in = known_frame(&info);
    GstBuffer *out = gst_harness_push_and_pull(h, gst_buffer_copy_deep(in));
    GstMapInfo mi, mo;
    g_assert_true(gst_buffer_map(in, &mi, GST_MAP_READ));
    g_assert_true(gst_buffer_map(out, &mo, GST_MAP_READ));
    g_assert_cmpuint(mi.size, ==, mo.size);
    g_assert_true(memcmp(mi.data, mo.data, mi.size) == 0);
    gst_buffer_unmap(in, &mi);
    gst_buffer_unmap(out, &mo);
    gst_buffer_unref(out);
    gst_buffer_unref(in);
    gst_harness_teardown(h);
}

static void on_caps_changed(GstElement *e, GstCaps *caps, guint w, guint h, gpointer data)
{
    guint *size = data;
    size[0] = w;
    size[1] = h;
}

static void test_caps_changed(void)
{
    g_assert_true(ovl_element_register());
    GstHarness *h = gst_harness_new("jobcastoverlay");
    guint size[2] = {0, 0};
    g_signal_connect(h->element, "caps-changed", G_CALLBACK(on_caps_changed), size);
    gst_harness_set_src_caps_str(h, "video/x-raw,format=I420,width=320,height=240,framerate=30/1");
    GstVideoInfo info;
    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, 320, 240);
    gst_buffer_unref(gst_harness_push_and_pull(h, known_frame(&info)));
    g_assert_cmpuint(size[0], ==, 320);
    g_assert_cmpuint(size[1], ==, 240);
    gst_harness_teardown(h);
}

static void test_unsupported_format_refused(void)
{
    g_assert_true(ovl_element_register());
    GstElement *e = gst_element_factory_make("jobcastoverlay", NULL);
    GstPad *sink = gst_element_get_static_pad(e, "sink");
    GstCaps *caps = gst_caps_from_string("video/x-raw,format=RGBA,width=64,height=48");
    g_assert_false(gst_pad_query_accept_caps(sink, caps));
    gst_caps_unref(caps);
    gst_object_unref(sink);
    gst_object_unref(e);
}

static char *write_scene_file(const char *text)
{
    GError *error = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("jobcast-scene-XXXXXX.ini", &path, &error);
    g_assert_no_error(error);
    close(fd);
    g_assert_true(g_file_set_contents(path, text, -1, &error));
    g_assert_no_error(error);
    return path;
}

static const char CARD_INI[] = "[card]\n"
                               "title=仓库装卸工\n"
                               "employer=德州顺达物流有限公司\n"
                               "pay=180-220 元/天\n"
                               "place=德州市德城区\n"
                               "headcount=12\n"
                               "apply-url=https://jobs.example.cn/a/1\n";

/* Luma samples that differ between two frames. */
static int changed_luma(const GstVideoInfo *info, GstBuffer *a, GstBuffer *b)
{
    GstVideoFrame fa, fb;
    g_assert_true(gst_video_frame_map(&fa, info, a, GST_MAP_READ));
    g_assert_true(gst_video_frame_map(&fb, info, b, GST_MAP_READ));
    int n = 0;
    for (int y = 0; y < GST_VIDEO_INFO_HEIGHT(info); y++) {
        for (int x = 0; x < GST_VIDEO_INFO_WIDTH(info); x++)
            n += sample_at(&fa, 0, x, y) != sample_at(&fb, 0, x, y);
    }
    gst_video_frame_unmap(&fa);
    gst_video_frame_unmap(&fb);
    return n;
}

static void test_scene_file_draws_card(void)
{
    g_assert_true(ovl_element_register());
    g_autofree char *path = write_scene_file(CARD_INI);
    GstElement *e = gst_element_factory_make("jobcastoverlay", NULL);
    g_object_set(e, "scene-file", path, NULL); /* before the harness starts it */
    GstHarness *h = gst_harness_new_with_element(e, "sink", "src");
    gst_object_unref(e);
    gst_harness_set_src_caps_str(h, "video/x-raw,format=I420,width=1280,height=720,"
                                    "framerate=30/1");
    GstVideoInfo info;
    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, 1280, 720);
    GstBuffer *in = known_frame(&info);
    /* The first frame already carries the card: the element waited for its first render. */
    GstBuffer *out = gst_harness_push_and_pull(h, gst_buffer_copy_deep(in));
    int changed = changed_luma(&info, in, out);
    g_assert_cmpint(changed, >, 1280 * 720 / 10);
    g_assert_cmpint(changed, <, 1280 * 720 / 2);
    gst_buffer_unref(out);
    gst_buffer_unref(in);
    gst_harness_teardown(h);
    g_unlink(path);
}

static void test_scene_file_missing_fails(void)
{
    g_assert_true(ovl_element_register());
    GstElement *pipeline = gst_parse_launch(
        "videotestsrc num-buffers=1 ! jobcastoverlay scene-file=/nonexistent/scene.ini ! fakesink",
        NULL);
    g_assert_nonnull(pipeline);
    g_assert_cmpint(gst_element_set_state(pipeline, GST_STATE_PAUSED), ==,
                    GST_STATE_CHANGE_FAILURE);
    GstBus *bus = gst_element_get_bus(pipeline);
    GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    g_assert_nonnull(msg);
    gst_message_unref(msg);
    gst_object_unref(bus);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
}

/* The render worker converts its compositions for I420 at its frame size: the element only
 * blends them, and the result equals a conversion made on the spot. */
static void test_worker_layers_attached(void)
{
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(1280, 720, &error);
    g_assert_no_error(error);
    OvlCardSpec spec = {"仓库装卸工",
                        "德州顺达物流有限公司",
                        "180-220 元/天",
                        "德州市德城区",
                        12,
                        "https://jobs.example.cn/a/1",
                        0,
                        NULL};
    OvlScene *scene = ovl_scene_new_card(&spec);
    g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000));
    ovl_scene_unref(scene);
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    g_assert_nonnull(comp);

    GstVideoInfo info, nv12;
    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, 1280, 720);
    gst_video_info_set_format(&nv12, GST_VIDEO_FORMAT_NV12, 1280, 720);
    for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(comp); i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        OvlBlendLayer *layer = ovl_blend_layer_attached(rect, &info);
        g_assert_nonnull(layer);
        g_assert_true(ovl_blend_layer_fits(layer, rect, &info));
        g_assert_true(ovl_blend_layer_fits(layer, rect, &nv12)); /* same matrix and range */
        ovl_blend_layer_unref(layer);
    }

    /* Through the element: the worker's layers and fresh ones give the same frame. */
    GstBuffer *in = known_frame(&info);
    GstBuffer *outs[2];
    for (int pass = 0; pass < 2; pass++) {
        GstVideoOverlayComposition *use =
            pass == 0 ? gst_video_overlay_composition_ref(comp)
                      : gst_video_overlay_composition_copy(comp); /* copies carry no layers */
        GstVideoInfo unused;
        GstHarness *h = harness_with("video/x-raw,format=I420,width=1280,height=720,"
                                     "framerate=30/1",
                                     use, &unused);
        outs[pass] = gst_harness_push_and_pull(h, gst_buffer_copy_deep(in));
        gst_harness_teardown(h);
        gst_video_overlay_composition_unref(use);
    }
    g_assert_cmpint(changed_luma(&info, outs[0], outs[1]), ==, 0);
    g_assert_cmpint(changed_luma(&info, in, outs[0]), >, 0);
    gst_buffer_unref(outs[0]);
    gst_buffer_unref(outs[1]);
    gst_buffer_unref(in);
    gst_video_overlay_composition_unref(comp);
    ovl_renderer_free(r);
}

static GstVideoOverlayComposition *draw_renderer(GstElement *e, GstSample *s, gpointer data)
{
    return ovl_renderer_get(data);
}

/* Luma samples in the frame that differ from the grey input: how much of the card shows. */
static gint64 card_strength(const GstVideoInfo *info, GstBuffer *buf)
{
    GstVideoFrame f;
    g_assert_true(gst_video_frame_map(&f, info, buf, GST_MAP_READ));
    gint64 sum = 0;
    for (int y = 0; y < GST_VIDEO_INFO_HEIGHT(info); y += 2) {
        for (int x = 0; x < GST_VIDEO_INFO_WIDTH(info); x += 2)
            sum += abs(sample_at(&f, 0, x, y) - 128);
    }
    gst_video_frame_unmap(&f);
    return sum;
}

static GstBuffer *grey_at(GstHarness *h, const GstVideoInfo *info, GstClockTime t)
{
    GstBuffer *buf = gst_buffer_new_allocate(NULL, GST_VIDEO_INFO_SIZE(info), NULL);
    gst_buffer_memset(buf, 0, 128, GST_VIDEO_INFO_SIZE(info));
    GST_BUFFER_PTS(buf) = t;
    return gst_harness_push_and_pull(h, buf);
}

/* With a fade, a take shows on the very next frame, faintly, grows every frame, and is whole
 * once the fade is over; a new sign-up count alone does not fade the card again. */
static void test_fade_on_take(void)
{
    g_assert_true(ovl_element_register());
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(1280, 720, &error);
    g_assert_no_error(error);
    ovl_renderer_set_fade_ms(r, 300);
    GstVideoInfo info;
    GstHarness *h =
        harness_with("video/x-raw,format=I420,width=1280,height=720,framerate=30/1", NULL, &info);
    g_signal_handlers_disconnect_by_func(h->element, on_draw, NULL);
    g_signal_connect(h->element, "draw", G_CALLBACK(draw_renderer), r);

    OvlCardSpec spec = {.title = "仓库装卸工", .apply_url = "http://127.0.0.1:8080/a/1"};
    OvlScene *scene = ovl_scene_new_card(&spec);
    g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000));
    ovl_scene_unref(scene);
    gint64 last = 0;
    GstClockTime step = GST_SECOND / 30;
    for (int i = 0; i <= 7; i++) { /* 8 frames: 266 ms of the 300 */
        GstBuffer *out = grey_at(h, &info, GST_SECOND + (GstClockTime)i * step);
        gint64 strength = card_strength(&info, out);
        gst_buffer_unref(out);
        g_assert_cmpint(strength, >, last); /* frame 0 already shows it */
        last = strength;
    }
    GstBuffer *out = grey_at(h, &info, 2 * GST_SECOND);
    gint64 full = card_strength(&info, out);
    gst_buffer_unref(out);
    g_assert_cmpint(full, >, last);

    spec.signups = 5;
    scene = ovl_scene_new_card(&spec);
    g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000));
    ovl_scene_unref(scene);
    out = grey_at(h, &info, 2 * GST_SECOND + step);
    g_assert_cmpint(card_strength(&info, out), >, full); /* full card plus its new counter */
    gst_buffer_unref(out);

    gst_harness_teardown(h);
    ovl_renderer_free(r);
}

/* Safe area: for each layout, a card with its QR, counter and a ticker, through the renderer
 * and the element over a grey frame, leaves every pixel outside the safe area untouched. */
static void test_nothing_outside_safe_area(void)
{
    static const int sizes[][2] = {{1280, 720}, {1920, 1080}, {720, 1280}, {1080, 1920}};
    g_assert_true(ovl_element_register());
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        int w = sizes[i][0], h = sizes[i][1];
        g_autoptr(GError) error = NULL;
        OvlRenderer *r = ovl_renderer_new(w, h, &error);
        g_assert_no_error(error);
        OvlCardSpec spec = {.title = "仓库装卸工（长期招聘，包吃包住，日结工资，多劳多得）",
                            .employer = "德州顺达物流有限公司",
                            .pay = "180-220 元/天",
                            .place = "德州市德城区 物流园B区",
                            .headcount = 12,
                            .apply_url = "http://127.0.0.1:8080/a/1",
                            .signups = 123456};
        OvlSceneExtras extras = {.ticker = "家政保洁员 35-45 元/时 · 电子厂普工 4500-6000 元/月",
                                 .brand = "德州零工直播间",
                                 .host_name = "主播 小王",
                                 .host_title = "德州市公益零工市场"};
        OvlScene *scene = ovl_scene_new(&spec, &extras);
        g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000));
        ovl_scene_unref(scene);
        g_autofree char *caps =
            g_strdup_printf("video/x-raw,format=I420,width=%d,height=%d,framerate=30/1", w, h);
        GstVideoInfo info;
        GstHarness *hs = harness_with(caps, NULL, &info);
        g_signal_handlers_disconnect_by_func(hs->element, on_draw, NULL);
        g_signal_connect(hs->element, "draw", G_CALLBACK(draw_renderer), r);
        OvlRect safe;
        ovl_card_safe_area(w, h, &safe);
        for (int f = 0; f < 3; f++) { /* the ticker moves between them */
            GstBuffer *out = grey_at(hs, &info, (GstClockTime)f * GST_SECOND);
            GstVideoFrame vf;
            g_assert_true(gst_video_frame_map(&vf, &info, out, GST_MAP_READ));
            int inside_changed = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    gboolean in = x >= safe.x && x < safe.x + safe.width && y >= safe.y &&
                                  y < safe.y + safe.height;
                    if (!in && sample_at(&vf, 0, x, y) != 128)
                        g_error("%dx%d: pixel (%d, %d) outside the safe area drawn", w, h, x, y);
                    inside_changed += in && sample_at(&vf, 0, x, y) != 128;
                }
            }
            g_assert_cmpint(inside_changed, >, 1000);
            gst_video_frame_unmap(&vf);
            gst_buffer_unref(out);
        }
        gst_harness_teardown(hs);
        ovl_renderer_free(r);
    }
}

/* The render rectangle of rect. */
static OvlRect box_of(GstVideoOverlayRectangle *rect)
{
    gint x, y;
    guint w, h;
    gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h);
    return (OvlRect){x, y, (int)w, (int)h};
}

/* A viewer's question on air: its own layer, over the host's lower third (which stays), inside
 * the safe area; in the frame the element blends, it changes pixels there and nowhere else; with
 * a fade it comes on over the fade (faint on its first frame, whole after it). */
static void test_question_lower_third(void)
{
    static const int sizes[][2] = {{1280, 720}, {720, 1280}};
    g_assert_true(ovl_element_register());
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        int w = sizes[i][0], h = sizes[i][1];
        g_autoptr(GError) error = NULL;
        OvlRenderer *r = ovl_renderer_new(w, h, &error);
        g_assert_no_error(error);
        ovl_renderer_set_fade_ms(r, 300);
        OvlCardSpec spec = {.title = "仓库装卸工",
                            .employer = "德州顺达物流有限公司",
                            .pay = "180-220 元/天",
                            .apply_url = "http://127.0.0.1:8080/a/1",
                            .signups = 3};
        OvlSceneExtras extras = {.host_name = "主播 小王", .host_title = "德州市公益零工市场"};
        OvlScene *scene = ovl_scene_new(&spec, &extras);
        g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000));
        ovl_scene_unref(scene);
        g_autofree char *caps =
            g_strdup_printf("video/x-raw,format=I420,width=%d,height=%d,framerate=30/1", w, h);
        GstVideoInfo info;
        GstHarness *hs = harness_with(caps, NULL, &info);
        g_signal_handlers_disconnect_by_func(hs->element, on_draw, NULL);
        g_signal_connect(hs->element, "draw", G_CALLBACK(draw_renderer), r);
        gst_buffer_unref(grey_at(hs, &info, GST_SECOND)); /* the card's take starts its fade */
        GstBuffer *before = grey_at(hs, &info, 2 * GST_SECOND); /* and it is over */
        GstVideoOverlayComposition *without = ovl_renderer_get(r);

        extras.question = "包住宿吗？56岁可以报名吗？夜班有没有补贴，工资是日结还是月结？";
        scene = ovl_scene_new(&spec, &extras);
        g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000));
        ovl_scene_unref(scene);
        GstVideoOverlayComposition *with = ovl_renderer_get(r);
        guint n = gst_video_overlay_composition_n_rectangles(without);
        g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(with), ==, n + 1);
        for (guint j = 0; j < n; j++) /* card, QR, counter and the host's lower third stay */
            g_assert_true(gst_video_overlay_composition_get_rectangle(with, j) ==
                          gst_video_overlay_composition_get_rectangle(without, j));
        OvlRect q = box_of(gst_video_overlay_composition_get_rectangle(with, n));
        OvlRect host = box_of(gst_video_overlay_composition_get_rectangle(with, n - 1));
        OvlRect safe;
        ovl_card_safe_area(w, h, &safe);
        g_assert_true(q.x >= safe.x && q.y >= safe.y && q.x + q.width <= safe.x + safe.width &&
                      q.y + q.height <= safe.y + safe.height);
        g_assert_cmpint(q.y + q.height, <=, host.y); /* above the host's name, not over it */

        GstBuffer *first = grey_at(hs, &info, 3 * GST_SECOND);
        GstBuffer *after = grey_at(hs, &info, 4 * GST_SECOND);
        GstVideoFrame fb, ff, fa;
        g_assert_true(gst_video_frame_map(&fb, &info, before, GST_MAP_READ));
        g_assert_true(gst_video_frame_map(&ff, &info, first, GST_MAP_READ));
        g_assert_true(gst_video_frame_map(&fa, &info, after, GST_MAP_READ));
        gint64 inside = 0, faint = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int d = abs(sample_at(&fa, 0, x, y) - sample_at(&fb, 0, x, y));
                gboolean in = x >= q.x && x < q.x + q.width && y >= q.y && y < q.y + q.height;
                if (!in && d != 0)
                    g_error("%dx%d: pixel (%d, %d) outside the question changed", w, h, x, y);
                inside += d;
                faint += in ? abs(sample_at(&ff, 0, x, y) - sample_at(&fb, 0, x, y)) : 0;
            }
        }
        g_assert_cmpint(inside, >, (gint64)q.width * q.height / 4); /* drawn, not a speck */
        g_assert_cmpint(faint, >, 0);      /* its first frame already shows it... */
        g_assert_cmpint(faint, <, inside); /* ...fading in */
        gst_video_frame_unmap(&fb);
        gst_video_frame_unmap(&ff);
        gst_video_frame_unmap(&fa);
        gst_buffer_unref(before);
        gst_buffer_unref(first);
        gst_buffer_unref(after);

        /* Off air by hand: the frame is as it was. */
        extras.question = NULL;
        scene = ovl_scene_new(&spec, &extras);
        g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000));
        ovl_scene_unref(scene);
        GstVideoOverlayComposition *off = ovl_renderer_get(r);
        g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(off), ==, n);
        gst_video_overlay_composition_unref(off);
        gst_video_overlay_composition_unref(with);
        gst_video_overlay_composition_unref(without);
        gst_harness_teardown(hs);
        ovl_renderer_free(r);
    }
}

static char *plugin_dir(void)
{
    return g_build_filename(ovl_test_build_dir(), "plugins", NULL);
}

/* Runs argv with GST_PLUGIN_PATH at the plugin; returns its stdout. (transfer full) */
static char *run_tool(const char *const *argv, int *status)
{
    g_autofree char *dir = plugin_dir();
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_subprocess_launcher_setenv(launcher, "GST_PLUGIN_PATH", dir, TRUE);
#ifdef OVL_TEST_SANITIZER_PRELOAD
    /* A sanitized plugin loads into the system's gst tools only with the sanitizer runtimes
     * loaded first; their leaks (the tools' own) are not ours to report, and their registry is
     * kept apart from the one the unsanitized tools use. */
    g_autofree char *registry =
        g_build_filename(ovl_test_build_dir(), "gst-tools-registry.bin", NULL);
    g_subprocess_launcher_setenv(launcher, "LD_PRELOAD", OVL_TEST_SANITIZER_PRELOAD, TRUE);
    g_subprocess_launcher_setenv(launcher, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
    g_subprocess_launcher_setenv(launcher, "GST_REGISTRY", registry, TRUE);
#endif
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) proc = g_subprocess_launcher_spawnv(launcher, argv, &error);
    g_assert_no_error(error);
    char *out = NULL, *err = NULL;
    g_assert_true(g_subprocess_communicate_utf8(proc, NULL, NULL, &out, &err, &error));
    g_assert_no_error(error);
    *status = g_subprocess_get_exit_status(proc);
    if (*status != 0)
        g_printerr("%s failed: %s\n", argv[0], err);
    g_free(err);
    return out;
}

static void test_plugin_inspect(void)
{
    const char *argv[] = {"gst-inspect-1.0", "jobcastoverlay", NULL};
    int status = 0;
    g_autofree char *out = run_tool(argv, &status);
    g_assert_cmpint(status, ==, 0);
    g_assert_nonnull(strstr(out, "libgstjobcast.so"));
    g_assert_nonnull(strstr(out, "scene-file"));
    g_assert_nonnull(strstr(out, "\"draw\""));
}

static void test_plugin_launch(void)
{
    g_autofree char *scene = write_scene_file(CARD_INI);
    g_autofree char *prop = g_strdup_printf("scene-file=%s", scene);
    const char *argv[] = {"gst-launch-1.0",
                          "-q",
                          "videotestsrc",
                          "num-buffers=5",
                          "!",
                          "video/x-raw,format=NV12,width=1280,height=720",
                          "!",
                          "jobcastoverlay",
                          prop,
                          "!",
                          "fakesink",
                          NULL};
    int status = 0;
    g_free(run_tool(argv, &status));
    g_assert_cmpint(status, ==, 0);
    g_unlink(scene);
}

/* A red theme for the element's theme-file property. (transfer full: g_unlink and g_free) */
static char *write_red_theme(void)
{
    return write_scene_file("[theme]\npanel-opacity=1\n"
                            "[colours]\npanel-top=#ff0000\npanel-bottom=#ff0000\n");
}

/* Chroma samples that are strongly red (Cr far above neutral), as a red panel gives. */
static int red_chroma(const GstVideoInfo *info, GstBuffer *buf)
{
    GstVideoFrame f;
    g_assert_true(gst_video_frame_map(&f, info, buf, GST_MAP_READ));
    int n = 0;
    for (int y = 0; y < GST_VIDEO_INFO_COMP_HEIGHT(info, 2); y++)
        for (int x = 0; x < GST_VIDEO_INFO_COMP_WIDTH(info, 2); x++)
            n += sample_at(&f, 2, x, y) > 225;
    gst_video_frame_unmap(&f);
    return n;
}

/* Runs the scene file through the element with props set (name, value pairs of strings, parsed
 * as gst-launch would), returning the frames pushed (n of them) in out[]. */
static void run_scene(const char *const *props, const GstVideoInfo *info, GstBuffer *in,
                      GstBuffer **out, int n)
{
    g_assert_true(ovl_element_register());
    g_autofree char *scene = write_scene_file(CARD_INI);
    GstElement *e = gst_element_factory_make("jobcastoverlay", NULL);
    g_object_set(e, "scene-file", scene, NULL);
    for (const char *const *p = props; *p != NULL; p += 2)
        gst_util_set_object_arg(G_OBJECT(e), p[0], p[1]);
    GstHarness *h = gst_harness_new_with_element(e, "sink", "src");
    gst_object_unref(e);
    g_autofree char *caps =
        g_strdup_printf("video/x-raw,format=I420,width=%d,height=%d,framerate=30/1",
                        GST_VIDEO_INFO_WIDTH(info), GST_VIDEO_INFO_HEIGHT(info));
    gst_harness_set_src_caps_str(h, caps);
    for (int i = 0; i < n; i++)
        out[i] = gst_harness_push_and_pull(h, gst_buffer_copy_deep(in));
    gst_harness_teardown(h);
    g_unlink(scene);
}

/* theme-file and safe-area reach the pixels: a red card, inside the 10% margins. */
static void test_scene_file_theme(void)
{
    GstVideoInfo info;
    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, 1280, 720);
    g_autofree char *theme = write_red_theme();
    GstBuffer *in = known_frame(&info);
    GstBuffer *plain = NULL, *red = NULL;
    run_scene((const char *const[]){NULL}, &info, in, &plain, 1);
    run_scene((const char *const[]){"theme-file", theme, "safe-area", "10,10,10,10", NULL}, &info,
              in, &red, 1);
    /* The known frame has some red of its own; the card in the built-in theme covers some. */
    int base = red_chroma(&info, in);
    g_assert_cmpint(red_chroma(&info, plain), <=, base);
    g_assert_cmpint(red_chroma(&info, red), >, base + 640 * 360 / 20);
    /* Nothing changed outside the safe area (72 lines at the top, 128 columns at the left...). */
    GstVideoFrame fi, fo;
    g_assert_true(gst_video_frame_map(&fi, &info, in, GST_MAP_READ));
    g_assert_true(gst_video_frame_map(&fo, &info, red, GST_MAP_READ));
    for (int y = 0; y < 720; y++)
        for (int x = 0; x < 1280; x++)
            if (x < 128 || x >= 1152 || y < 72 || y >= 648)
                g_assert_cmpint(sample_at(&fi, 0, x, y), ==, sample_at(&fo, 0, x, y));
    gst_video_frame_unmap(&fi);
    gst_video_frame_unmap(&fo);
    gst_buffer_unref(plain);
    gst_buffer_unref(red);
    gst_buffer_unref(in);
    g_unlink(theme);
}

/* Sum of |luma difference| between two frames. */
static gint64 luma_distance(const GstVideoInfo *info, GstBuffer *a, GstBuffer *b)
{
    GstVideoFrame fa, fb;
    g_assert_true(gst_video_frame_map(&fa, info, a, GST_MAP_READ));
    g_assert_true(gst_video_frame_map(&fb, info, b, GST_MAP_READ));
    gint64 d = 0;
    for (int y = 0; y < GST_VIDEO_INFO_HEIGHT(info); y++)
        for (int x = 0; x < GST_VIDEO_INFO_WIDTH(info); x++)
            d += ABS((int)sample_at(&fa, 0, x, y) - (int)sample_at(&fb, 0, x, y));
    gst_video_frame_unmap(&fa);
    gst_video_frame_unmap(&fb);
    return d;
}

/* transition=fade transition-ms=300: the card is on the first frame, faintly, and whole once the
 * fade is over; the default (a cut) shows it whole at once. */
static void test_scene_file_transition(void)
{
    GstVideoInfo info;
    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, 640, 360);
    GstBuffer *in = known_frame(&info);
    enum { N = 12 }; /* 400 ms at 30 fps */
    GstBuffer *fade[N], *cut[1];
    run_scene((const char *const[]){"transition", "fade", "transition-ms", "300", NULL}, &info, in,
              fade, N);
    run_scene((const char *const[]){NULL}, &info, in, cut, 1);
    gint64 first = luma_distance(&info, in, fade[0]);
    gint64 last = luma_distance(&info, in, fade[N - 1]);
    gint64 whole = luma_distance(&info, in, cut[0]);
    g_assert_cmpint(first, >, 0);
    g_assert_cmpint(first, <, whole / 3);
    g_assert_cmpint(last, ==, whole);
    for (int i = 0; i < N; i++)
        gst_buffer_unref(fade[i]);
    gst_buffer_unref(cut[0]);
    gst_buffer_unref(in);
}

/* A bad theme file or safe area fails the start with an error naming it. */
static void expect_start_error(const char *props, const char *mentions)
{
    g_assert_true(ovl_element_register());
    g_autofree char *scene = write_scene_file(CARD_INI);
    g_autofree char *desc = g_strdup_printf(
        "videotestsrc num-buffers=1 ! jobcastoverlay scene-file=%s %s ! fakesink", scene, props);
    GstElement *pipeline = gst_parse_launch(desc, NULL);
    g_assert_nonnull(pipeline);
    g_assert_cmpint(gst_element_set_state(pipeline, GST_STATE_PAUSED), ==,
                    GST_STATE_CHANGE_FAILURE);
    GstBus *bus = gst_element_get_bus(pipeline);
    GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    g_assert_nonnull(msg);
    GError *err = NULL;
    char *debug = NULL;
    gst_message_parse_error(msg, &err, &debug);
    g_assert_nonnull(strstr(debug, mentions));
    g_error_free(err);
    g_free(debug);
    gst_message_unref(msg);
    gst_object_unref(bus);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
    g_unlink(scene);
}

static void test_scene_file_bad_theme_fails(void)
{
    g_autofree char *bad = write_scene_file("[colours]\naccent=#zzz\n");
    g_autofree char *prop = g_strdup_printf("theme-file=%s", bad);
    expect_start_error(prop, "accent");
    expect_start_error("safe-area=50,0,0,0", "safe-area");
    g_unlink(bad);
}

static void test_plugin_launch_themed(void)
{
    g_autofree char *scene = write_scene_file(CARD_INI);
    g_autofree char *theme = write_red_theme();
    g_autofree char *prop = g_strdup_printf("scene-file=%s", scene);
    g_autofree char *tprop = g_strdup_printf("theme-file=%s", theme);
    const char *argv[] = {"gst-launch-1.0",
                          "-q",
                          "videotestsrc",
                          "num-buffers=5",
                          "!",
                          "video/x-raw,format=I420,width=1280,height=720",
                          "!",
                          "jobcastoverlay",
                          prop,
                          tprop,
                          "transition=slide",
                          "transition-ms=200",
                          "safe-area=8,8,8,8",
                          "!",
                          "fakesink",
                          NULL};
    int status = 0;
    g_free(run_tool(argv, &status));
    g_assert_cmpint(status, ==, 0);
    const char *inspect[] = {"gst-inspect-1.0", "jobcastoverlay", NULL};
    g_autofree char *out = run_tool(inspect, &status);
    g_assert_cmpint(status, ==, 0);
    for (const char *const *p =
             (const char *const[]){"theme-file", "safe-area", "transition-ms", "slide", NULL};
         *p != NULL; p++)
        g_assert_nonnull(strstr(out, *p));
    g_unlink(scene);
    g_unlink(theme);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_test("/overlay/element/blend/i420", test_blend_i420);
    add_test("/overlay/element/blend/nv12", test_blend_nv12);
    add_test("/overlay/element/blend/yv12", test_blend_yv12);
    add_test("/overlay/element/blend/premultiplied-rectangle", test_blend_premultiplied);
    add_test("/overlay/element/blend/bt709-full-range", test_blend_bt709_full_range);
    add_test("/overlay/element/blend/alpha-edges", test_alpha_edges);
    add_test("/overlay/element/blend/clipped-at-edges", test_clipped);
    add_test("/overlay/element/blend/odd-positions-and-sizes", test_odd_geometry);
    add_test("/overlay/element/blend/global-alpha", test_global_alpha);
    add_test("/overlay/element/blend/rectangles-in-order", test_two_rectangles_in_order);
    add_test("/overlay/element/null-composition-passes-through", test_null_passes_through);
    add_test("/overlay/element/caps-changed", test_caps_changed);
    add_test("/overlay/element/unsupported-format-refused", test_unsupported_format_refused);
    add_test("/overlay/element/scene-file/draws-card", test_scene_file_draws_card);
    add_test("/overlay/element/scene-file/missing-fails", test_scene_file_missing_fails);
    add_test("/overlay/element/scene-file/theme-and-safe-area", test_scene_file_theme);
    add_test("/overlay/element/scene-file/transition", test_scene_file_transition);
    add_test("/overlay/element/scene-file/bad-theme-fails", test_scene_file_bad_theme_fails);
    add_test("/overlay/plugin/launch-themed", test_plugin_launch_themed);
    add_test("/overlay/element/worker-layers-attached", test_worker_layers_attached);
    add_test("/overlay/element/fade-on-take", test_fade_on_take);
    add_test("/overlay/element/nothing-outside-safe-area", test_nothing_outside_safe_area);
    add_test("/overlay/element/question-lower-third", test_question_lower_third);
    add_test("/overlay/plugin/inspect", test_plugin_inspect);
    add_test("/overlay/plugin/launch", test_plugin_launch);
    return ovl_test_run();
}
