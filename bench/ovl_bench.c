/* ovl_bench: the GStreamer half of bench/bench-overlay.sh. Measures what an overlay element adds
 * per frame, and how many frames a take needs to reach the picture.
 *
 *   ovl-bench blend WIDTH HEIGHT FRAMES PNG_DIR
 *       Runs videotestsrc num-buffers=FRAMES ! I420 WIDTHxHEIGHT ! ELEMENT ! fakesink sync=false
 *       for ELEMENT = identity (the baseline), jobcastoverlay (ours), overlaycomposition (same
 *       pre-rendered composition) and textoverlay (the card's words), and prints
 *       `ELEMENT_ms VALUE`: the mean CPU time of the streaming thread between the buffer entering
 *       the element's sink pad and leaving its source pad (CLOCK_THREAD_CPUTIME_ID), after
 *       WARMUP frames. Also prints the overlay's pixel area and writes each rectangle as a PNG
 *       to PNG_DIR (`rect X Y W H FILE` lines) for the FFmpeg comparison.
 *   ovl-bench card WIDTH HEIGHT PNG_DIR
 *       Writes only the PNGs (and `rect` lines) of what a fresh jobcast show puts on air: the
 *       first posting's card and QR code (bench-show's FFmpeg baseline overlays them).
 *   ovl-bench take WIDTH HEIGHT TAKES [cut|fade|slide]
 *       A live 30 fps pipeline with jobcastoverlay fed by the render worker; the main thread takes
 *       a new card every ~420 ms and the draw handler notes the first frame carrying it (with a
 *       400 ms fade or slide: at any alpha or position). Prints `take_p50`, `take_p99`,
 *       `take_max` in frames (1 = the very next frame).
 *   ovl-bench theme WIDTH HEIGHT SWITCHES THEME_FILE
 *       The same, but each step switches the theme (built-in <-> THEME_FILE) of the card on
 *       air, which redraws card, QR, counter, ticker and chrome: the same figures for a switch.
 *
 * The bench scene is the first sample posting's card (data/postings.json) at the default
 * landscape layout with its QR code. */
#include <cairo.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "jc_text.h"
#include "ovl_blend.h"
#include "ovl_element.h"
#include "ovl_renderer.h"
#include "ovl_ticker.h"

#define WARMUP 10

/* The first (n-th) sample posting as a card, with a ticker and a sign-up count; bare: the card
 * and its QR code alone, as jobcast puts a posting on air in a fresh show. (transfer full) */
static OvlScene *posting_scene_full(const char *postings, guint n, gboolean bare)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_file(parser, postings, &error)) {
        g_printerr("ovl-bench: %s\n", error->message);
        exit(1);
    }
    JsonArray *list = json_object_get_array_member(
        json_node_get_object(json_parser_get_root(parser)), "postings");
    JsonObject *p = json_array_get_object_element(list, n % json_array_get_length(list));
    g_autofree char *pay = jc_format_pay(json_object_get_double_member(p, "pay_min"),
                                         json_object_get_double_member(p, "pay_max"),
                                         json_object_get_string_member(p, "pay_unit"));
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:8080/a/%u", n + 1);
    /* The ticker: the second to sixth postings, title and pay (the same for every take: a take
     * switches the card). */
    GString *ticker = g_string_new(NULL);
    for (guint i = 1; i <= 5; i++) {
        JsonObject *o = json_array_get_object_element(list, i % json_array_get_length(list));
        g_autofree char *opay = jc_format_pay(json_object_get_double_member(o, "pay_min"),
                                              json_object_get_double_member(o, "pay_max"),
                                              json_object_get_string_member(o, "pay_unit"));
        g_string_append_printf(ticker, "%s%s %s", i > 1 ? " · " : "",
                               json_object_get_string_member(o, "title"), opay);
    }
    OvlSceneExtras extras = {.ticker = bare ? NULL : ticker->str};
    OvlCardSpec spec = {
        .title = json_object_get_string_member(p, "title"),
        .employer = json_object_get_string_member(p, "company"),
        .pay = pay,
        .place = json_object_get_string_member(p, "location"),
        .headcount = (gint)json_object_get_int_member(p, "headcount"),
        .apply_url = url,
        .signups = bare ? 0 : 37 + (gint)n,
    };
    OvlScene *scene = ovl_scene_new(&spec, &extras);
    g_string_free(ticker, TRUE);
    return scene;
}

static OvlScene *posting_scene(const char *postings, guint n)
{
    return posting_scene_full(postings, n, FALSE);
}

static double thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

typedef struct {
    double entered; /* thread CPU time when the current buffer entered */
    double total;   /* summed over measured frames */
    int frames;     /* buffers seen */
} Timing;

static GstPadProbeReturn on_enter(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    ((Timing *)data)->entered = thread_cpu_ms();
    return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn on_leave(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    Timing *t = data;
    double now = thread_cpu_ms();
    if (t->frames++ >= WARMUP)
        t->total += now - t->entered;
    return GST_PAD_PROBE_OK;
}

static GstVideoOverlayComposition *draw_from_renderer(GstElement *e, GstSample *s, gpointer data)
{
    return ovl_renderer_get(data);
}

static GstVideoOverlayComposition *draw_fixed(GstElement *e, GstSample *s, gpointer data)
{
    return gst_video_overlay_composition_ref(data);
}

static double process_cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* Runs the pipeline to EOS and returns the element's mean CPU ms per frame; *proc_ms receives the
 * whole process's CPU ms per frame (source and sink included). */
static double run_element(int w, int h, int frames, GstElement *element, const char *sink_pad,
                          double *proc_ms)
{
    g_autofree char *desc = g_strdup_printf(
        "videotestsrc num-buffers=%d ! video/x-raw,format=I420,width=%d,height=%d,framerate=30/1 "
        "! queue name=q max-size-buffers=4 ! fakesink name=sink sync=false",
        frames, w, h);
    GstElement *pipeline = gst_parse_launch(desc, NULL);
    GstElement *q = gst_bin_get_by_name(GST_BIN(pipeline), "q");
    GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    gst_element_unlink(q, sink);
    gst_bin_add(GST_BIN(pipeline), element);
    if (!gst_element_link_many(q, element, sink, NULL)) {
        g_printerr("ovl-bench: cannot link %s\n", GST_ELEMENT_NAME(element));
        exit(1);
    }
    Timing t = {0};
    GstPad *in = gst_element_get_static_pad(element, sink_pad);
    GstPad *out = gst_element_get_static_pad(element, "src");
    gst_pad_add_probe(in, GST_PAD_PROBE_TYPE_BUFFER, on_enter, &t, NULL);
    gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_BUFFER, on_leave, &t, NULL);
    gst_object_unref(in);
    gst_object_unref(out);

    double cpu0 = process_cpu_ms();
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    GstBus *bus = gst_element_get_bus(pipeline);
    GstMessage *msg =
        gst_bus_timed_pop_filtered(bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
        g_printerr("ovl-bench: pipeline error with %s\n", GST_ELEMENT_NAME(element));
        exit(1);
    }
    gst_message_unref(msg);
    *proc_ms = (process_cpu_ms() - cpu0) / frames;
    gst_object_unref(bus);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(q);
    gst_object_unref(sink);
    gst_object_unref(pipeline);
    return t.frames > WARMUP ? t.total / (t.frames - WARMUP) : 0.0;
}

/* Writes each rectangle (premultiplied ARGB32, cairo's own format) as a PNG for FFmpeg. */
static void write_pngs(GstVideoOverlayComposition *comp, const char *dir)
{
    for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(comp); i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        gint x, y;
        guint rw, rh;
        gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &rw, &rh);
        GstBuffer *buf = gst_video_overlay_rectangle_get_pixels_unscaled_argb(
            rect, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
        GstVideoMeta *meta = gst_buffer_get_video_meta(buf);
        GstMapInfo map;
        gst_buffer_map(buf, &map, GST_MAP_READ);
        cairo_surface_t *s = cairo_image_surface_create_for_data(
            map.data + meta->offset[0], CAIRO_FORMAT_ARGB32, (int)meta->width, (int)meta->height,
            meta->stride[0]);
        g_autofree char *path = g_strdup_printf("%s/rect%u.png", dir, i);
        cairo_surface_write_to_png(s, path);
        cairo_surface_destroy(s);
        gst_buffer_unmap(buf, &map);
        printf("rect %d %d %u %u %s\n", x, y, rw, rh, path);
    }
}

/* comp with every rectangle pre-converted to AYUV, the format GStreamer's blend works in. */
static GstVideoOverlayComposition *ayuv_copy(GstVideoOverlayComposition *comp)
{
    GstVideoOverlayComposition *out = NULL;
    for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(comp); i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        GstVideoOverlayFormatFlags flags = gst_video_overlay_rectangle_get_flags(rect);
        GstBuffer *ayuv =
            gst_buffer_copy_deep(gst_video_overlay_rectangle_get_pixels_unscaled_ayuv(rect, flags));
        gint x, y;
        guint rw, rh;
        gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &rw, &rh);
        GstVideoOverlayRectangle *r2 =
            gst_video_overlay_rectangle_new_raw(ayuv, x, y, rw, rh, flags);
        gst_buffer_unref(ayuv);
        if (out == NULL)
            out = gst_video_overlay_composition_new(r2);
        else
            gst_video_overlay_composition_add_rectangle(out, r2);
        gst_video_overlay_rectangle_unref(r2);
    }
    return out;
}

static void report(const char *name, int w, int h, int frames, GstElement *e, const char *pad)
{
    double proc = 0;
    double ms = run_element(w, h, frames, e, pad, &proc);
    printf("%s_ms %.4f\n%s_proc_ms %.4f\n", name, ms, name, proc);
    fflush(stdout);
}

/* comp as other overlays see it on one frame: the ticker's strip cut to its band window (which
 * is all that one frame shows; it then stands still for them, a favour to them). */
static GstVideoOverlayComposition *flat_copy(GstVideoOverlayComposition *comp)
{
    GstVideoOverlayComposition *out = NULL;
    for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(comp); i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        const OvlTicker *t = ovl_ticker_of(rect);
        GstVideoOverlayRectangle *use = NULL;
        if (t == NULL) {
            use = gst_video_overlay_rectangle_copy(rect);
        } else {
            GstBuffer *src = gst_video_overlay_rectangle_get_pixels_unscaled_argb(
                rect, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
            GstVideoMeta *meta = gst_buffer_get_video_meta(src);
            GstMapInfo map;
            gst_buffer_map(src, &map, GST_MAP_READ);
            gsize row = (gsize)t->band.width * 4;
            GstBuffer *win = gst_buffer_new_allocate(NULL, row * (gsize)t->band.height, NULL);
            for (int y = 0; y < t->band.height; y++)
                gst_buffer_fill(win, row * (gsize)y,
                                map.data + meta->offset[0] + (gsize)y * meta->stride[0], row);
            gst_buffer_unmap(src, &map);
            gst_buffer_add_video_meta(win, GST_VIDEO_FRAME_FLAG_NONE,
                                      GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB,
                                      (guint)t->band.width, (guint)t->band.height);
            use = gst_video_overlay_rectangle_new_raw(
                win, t->band.x, t->band.y, (guint)t->band.width, (guint)t->band.height,
                GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
            gst_buffer_unref(win);
        }
        if (out == NULL)
            out = gst_video_overlay_composition_new(use);
        else
            gst_video_overlay_composition_add_rectangle(out, use);
        gst_video_overlay_rectangle_unref(use);
    }
    return out;
}

static int bench_blend(int w, int h, int frames, const char *png_dir, const char *postings)
{
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(w, h, &error);
    if (r == NULL) {
        g_printerr("ovl-bench: %s\n", error->message);
        return 1;
    }
    OvlScene *scene = posting_scene(postings, 0);
    ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000);
    ovl_scene_unref(scene);
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    /* What one frame shows: card, QR, counter, ticker label and the ticker's band window. */
    GstVideoOverlayComposition *flat = flat_copy(comp);
    guint64 area = 0;
    for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(flat); i++) {
        guint rw, rh;
        gst_video_overlay_rectangle_get_render_rectangle(
            gst_video_overlay_composition_get_rectangle(flat, i), NULL, NULL, &rw, &rh);
        area += (guint64)rw * rh;
    }
    printf("area %" G_GUINT64_FORMAT "\n", area);
    write_pngs(flat, png_dir);

    GstElement *e = gst_element_factory_make("identity", NULL);
    report("none", w, h, frames, e, "sink");

    e = gst_element_factory_make("jobcastoverlay", NULL);
    g_signal_connect(e, "draw", G_CALLBACK(draw_from_renderer), r);
    report("ours", w, h, frames, e, "sink");

    /* GStreamer's own blend, at its best: the card pre-converted to AYUV once. */
    GstVideoOverlayComposition *ayuv = ayuv_copy(flat);
    e = gst_element_factory_make("overlaycomposition", NULL);
    g_signal_connect(e, "draw", G_CALLBACK(draw_fixed), ayuv);
    report("overlaycomposition", w, h, frames, e, "sink");
    gst_video_overlay_composition_unref(ayuv);

    /* ... and as usually handed to it: ARGB rectangles, converted by its blend every frame. */
    GstVideoOverlayComposition *copy = gst_video_overlay_composition_copy(flat);
    e = gst_element_factory_make("overlaycomposition", NULL);
    g_signal_connect(e, "draw", G_CALLBACK(draw_fixed), copy);
    report("overlaycomposition_argb", w, h, frames, e, "sink");
    gst_video_overlay_composition_unref(copy);

    e = gst_element_factory_make("textoverlay", NULL);
    g_object_set(e, "text",
                 "仓库装卸工\n德州顺达物流有限公司\n180-220 元/天  招聘 12 人\n德州市德城区",
                 "valignment", 2 /* bottom */, "halignment", 0 /* left */, NULL);
    report("textoverlay", w, h, frames, e, "video_sink");

    gst_video_overlay_composition_unref(flat);
    gst_video_overlay_composition_unref(comp);
    ovl_renderer_free(r);
    return 0;
}

/* The PNGs of what a fresh jobcast show puts on air (bench-show's FFmpeg baseline overlays
 * them): the first posting's card and QR code, no ticker, no sign-ups yet. */
static int bench_card(int w, int h, const char *png_dir, const char *postings)
{
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(w, h, &error);
    if (r == NULL) {
        g_printerr("ovl-bench: %s\n", error->message);
        return 1;
    }
    OvlScene *scene = posting_scene_full(postings, 0, TRUE);
    ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000);
    ovl_scene_unref(scene);
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    GstVideoOverlayComposition *flat = flat_copy(comp);
    write_pngs(flat, png_dir);
    gst_video_overlay_composition_unref(flat);
    gst_video_overlay_composition_unref(comp);
    ovl_renderer_free(r);
    return 0;
}

/* Take latency: frames counted by the draw handler, takes made by the main thread. */
typedef struct {
    OvlRenderer *r;
    atomic_int frames;           /* frames drawn so far */
    atomic_uint_fast64_t wanted; /* sequence number of the last take, 0 before the first */
    atomic_int take_frame;       /* frames drawn when that take was made */
    atomic_int result;           /* latency of that take in frames, 0 while pending */
} Take;

static GstVideoOverlayComposition *draw_take(GstElement *e, GstSample *s, gpointer data)
{
    Take *t = data;
    /* published is read before the composition: what we get is at least that new. */
    guint64 published = ovl_renderer_published(t->r);
    GstVideoOverlayComposition *comp = ovl_renderer_get(t->r);
    int frame = atomic_fetch_add(&t->frames, 1);
    guint64 wanted = atomic_load(&t->wanted);
    if (wanted != 0 && published >= wanted && atomic_load(&t->result) == 0)
        atomic_store(&t->result, frame - atomic_load(&t->take_frame) + 1);
    return comp;
}

static int compare_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* With themes (two of them), each "take" switches the theme instead (ovl_renderer_set_theme):
 * the card on air, its ticker and chrome are all redrawn. */
static int bench_take(int w, int h, int takes, const char *postings, const char *transition,
                      OvlTheme *const *themes)
{
    g_autoptr(GError) error = NULL;
    OvlTransitionKind kind = OVL_TRANSITION_CUT;
    if (!ovl_transition_kind_from_string(transition, &kind)) {
        g_printerr("ovl-bench: transition '%s' is not cut, fade or slide\n", transition);
        return 2;
    }
    Take t = {.r = ovl_renderer_new(w, h, &error)};
    if (t.r == NULL) {
        g_printerr("ovl-bench: %s\n", error->message);
        return 1;
    }
    ovl_renderer_set_transition(t.r, kind, 400);
    /* How long the worker takes for a card (render + conversion), alone on its thread. */
    double render_ms = 0;
    for (guint i = 0; i < 10; i++) {
        OvlScene *scene = posting_scene(postings, i % 5);
        gint64 t0 = g_get_monotonic_time();
        ovl_renderer_wait(t.r, ovl_renderer_submit(t.r, scene), 10000);
        render_ms += (double)(g_get_monotonic_time() - t0) / 1e3 / 10;
        ovl_scene_unref(scene);
    }
    printf("render_ms %.2f\n", render_ms);
    if (themes != NULL) {
        /* How long the worker takes for a theme switch of the card on air: everything redrawn. */
        double switch_ms = 0;
        for (guint i = 0; i < 10; i++) {
            gint64 t0 = g_get_monotonic_time();
            ovl_renderer_wait(t.r, ovl_renderer_set_theme(t.r, themes[(i + 1) % 2]), 10000);
            switch_ms += (double)(g_get_monotonic_time() - t0) / 1e3 / 10;
        }
        printf("switch_ms %.2f\n", switch_ms);
    }
    /* Of which the conversion for the blend (ovl_blend_prepare's share). */
    GstVideoOverlayComposition *comp = ovl_renderer_get(t.r);
    GstVideoInfo info;
    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, (guint)w, (guint)h);
    gint64 c0 = g_get_monotonic_time();
    for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(comp); i++)
        ovl_blend_layer_unref(
            ovl_blend_layer_new(gst_video_overlay_composition_get_rectangle(comp, i), &info));
    printf("convert_ms %.2f\n", (double)(g_get_monotonic_time() - c0) / 1e3);
    gst_video_overlay_composition_unref(comp);
    OvlScene *first = posting_scene(postings, 0);
    ovl_renderer_wait(t.r, ovl_renderer_submit(t.r, first), 10000);
    ovl_scene_unref(first);

    g_autofree char *desc = g_strdup_printf(
        "videotestsrc is-live=true ! video/x-raw,format=I420,width=%d,height=%d,framerate=30/1 ! "
        "jobcastoverlay name=ovl ! fakesink sync=true",
        w, h);
    GstElement *pipeline = gst_parse_launch(desc, NULL);
    GstElement *ovl = gst_bin_get_by_name(GST_BIN(pipeline), "ovl");
    g_signal_connect(ovl, "draw", G_CALLBACK(draw_take), &t);
    gst_object_unref(ovl);
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    g_usleep(500000);

    int *lat = g_new0(int, takes);
    for (int i = 0; i < takes; i++) {
        OvlScene *scene = posting_scene(postings, (guint)(i % 5) + 1);
        atomic_store(&t.wanted, 0);
        atomic_store(&t.result, 0);
        /* The frame count first: a frame drawn in between only makes the figure larger. */
        atomic_store(&t.take_frame, atomic_load(&t.frames));
        if (themes != NULL)
            atomic_store(&t.wanted, ovl_renderer_set_theme(t.r, themes[(i + 1) % 2]));
        else
            atomic_store(&t.wanted, ovl_renderer_submit(t.r, scene));
        ovl_scene_unref(scene);
        /* Takes at a random phase of the frame clock, far enough apart that each is seen. */
        g_usleep(400000 + (gulong)g_random_int_range(0, 40000));
        lat[i] = atomic_load(&t.result);
        if (lat[i] == 0)
            lat[i] = 99; /* not on screen within 0.4 s: counts as very late */
    }
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
    ovl_renderer_free(t.r);

    qsort(lat, (size_t)takes, sizeof(int), compare_int);
    printf("take_p50 %d\ntake_p99 %d\ntake_max %d\n", lat[takes / 2],
           lat[(int)((takes - 1) * 0.99 + 0.5)], lat[takes - 1]);
    g_free(lat);
    return 0;
}

int main(int argc, char **argv)
{
    gst_init(&argc, &argv);
    ovl_element_register();
    const char *src = g_getenv("JOBCAST_SOURCE_DIR");
    g_autofree char *postings =
        g_build_filename(src != NULL ? src : JOBCAST_SOURCE_DIR, "data", "postings.json", NULL);
    int rc = 2;
    if (argc == 6 && g_str_equal(argv[1], "blend"))
        rc = bench_blend(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), argv[5], postings);
    else if (argc == 5 && g_str_equal(argv[1], "card"))
        rc = bench_card(atoi(argv[2]), atoi(argv[3]), argv[4], postings);
    else if ((argc == 5 || argc == 6) && g_str_equal(argv[1], "take"))
        rc = bench_take(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), postings,
                        argc == 6 ? argv[5] : "cut", NULL);
    else if (argc == 6 && g_str_equal(argv[1], "theme")) {
        g_autoptr(GError) error = NULL;
        g_autoptr(OvlTheme) other = ovl_theme_load(argv[5], &error);
        OvlTheme *themes[] = {(OvlTheme *)ovl_theme_default(), other};
        if (other == NULL)
            g_printerr("ovl-bench: %s\n", error->message);
        else
            rc = bench_take(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), postings, "cut", themes);
    } else
        g_printerr("usage: ovl-bench blend W H FRAMES PNG_DIR | card W H PNG_DIR | take W H TAKES "
                   "[cut|fade|slide] | "
                   "theme W H SWITCHES THEME_FILE\n");
    return rc;
}
