/* Tests of ovl_card: every sample posting fits every frame size, the QR scans, its modules are
 * whole pixels, user text is drawn literally, and frames too small are refused.
 *
 * Screenshots of the cards over a gray frame are written to $JOBCAST_BUILD_DIR/screenshots/ for a
 * person to judge the design. */
#include <cairo.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "jc_error.h"
#include "jc_text.h"
#include "gst_test.h"
#include "ovl_test.h"
#include "ovl_card.h"

typedef struct {
    int width, height;
} Size;

static const Size SIZES[] = {{1280, 720}, {1920, 1080}, {720, 1280}, {1080, 1920}};

/* One posting of data/postings.json as the card shows it; strings owned. */
typedef struct {
    char *title;
    char *employer;
    char *pay;
    char *place;
    int headcount;
    char *apply_url;
    char *code; /* the posting's code to type */
} Posting;

static void posting_free(gpointer data)
{
    Posting *p = data;
    g_free(p->title);
    g_free(p->employer);
    g_free(p->pay);
    g_free(p->place);
    g_free(p->apply_url);
    g_free(p->code);
    g_free(p);
}

static OvlCardSpec posting_spec(const Posting *p)
{
    return (OvlCardSpec){p->title,     p->employer,  p->pay, p->place,
                         p->headcount, p->apply_url, 0,      p->code};
}

/* The sample postings, with apply links as control words them (PUBLIC_URL/a/ID). */
static GPtrArray *load_postings(void)
{
    g_autofree char *path = g_build_filename(ovl_test_source_dir(), "data", "postings.json", NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_file(parser, path, &error));
    g_assert_no_error(error);

    JsonArray *list = json_object_get_array_member(
        json_node_get_object(json_parser_get_root(parser)), "postings");
    GPtrArray *out = g_ptr_array_new_with_free_func(posting_free);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *o = json_array_get_object_element(list, i);
        Posting *p = g_new0(Posting, 1);
        p->title = g_strdup(json_object_get_string_member(o, "title"));
        p->employer = g_strdup(json_object_get_string_member(o, "company"));
        p->pay = jc_format_pay(json_object_get_double_member(o, "pay_min"),
                               json_object_get_double_member(o, "pay_max"),
                               json_object_get_string_member(o, "pay_unit"));
        p->place = g_strdup(json_object_get_string_member(o, "location"));
        p->headcount = (int)json_object_get_int_member(o, "headcount");
        p->apply_url = g_strdup_printf("http://127.0.0.1:8080/a/%u", i + 1);
        p->code = g_strdup_printf("%04u", 1024 + i * 611);
        g_ptr_array_add(out, p);
    }
    g_assert_cmpuint(out->len, >=, 3);
    return out;
}

static gboolean inside(const OvlRect *in, int x, int y, int w, int h)
{
    return x >= in->x && y >= in->y && x + w <= in->x + in->width && y + h <= in->y + in->height;
}

static gboolean intersect(const OvlRect *a, const OvlRect *b)
{
    return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height &&
           b->y < a->y + a->height;
}

static gboolean is_empty(const OvlRect *r)
{
    return r->width <= 0 || r->height <= 0;
}

static GstVideoOverlayComposition *render_ok(const OvlCardSpec *spec, int w, int h,
                                             OvlCardLayout *layout)
{
    g_autoptr(GError) error = NULL;
    GstVideoOverlayComposition *comp = ovl_card_render(spec, w, h, layout, &error);
    g_assert_no_error(error);
    g_assert_nonnull(comp);
    return comp;
}

static void test_every_posting(void)
{
    g_autoptr(GPtrArray) postings = load_postings();
    for (guint i = 0; i < postings->len; i++) {
        OvlCardSpec spec = posting_spec(postings->pdata[i]);
        for (guint s = 0; s < G_N_ELEMENTS(SIZES); s++) {
            int w = SIZES[s].width;
            int h = SIZES[s].height;
            OvlCardLayout layout;
            GstVideoOverlayComposition *comp = render_ok(&spec, w, h, &layout);
            g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(comp), ==, 2);
            OvlRect frame = {0, 0, w, h};
            for (guint k = 0; k < 2; k++) {
                GstVideoOverlayRectangle *rect =
                    gst_video_overlay_composition_get_rectangle(comp, k);
                int x, y;
                guint rw, rh;
                gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &rw, &rh);
                g_assert_true(inside(&frame, x, y, (int)rw, (int)rh));
                g_assert_true(inside(&layout.safe, x, y, (int)rw, (int)rh));
            }
            if (h > w) {
                /* The apps' comments and buttons: bottom third and right 15%. */
                g_assert_cmpint(layout.card.y + layout.card.height, <=, h - h / 3);
                g_assert_cmpint(layout.card.x + layout.card.width, <=, w - w * 15 / 100);
            }
            gst_video_overlay_composition_unref(comp);
        }
    }
}

/* No text leaves the card, and no two elements (texts, QR) share a pixel. */
static void test_texts_never_overlap(void)
{
    g_autoptr(GPtrArray) postings = load_postings();
    for (guint i = 0; i < postings->len; i++) {
        OvlCardSpec spec = posting_spec(postings->pdata[i]);
        for (guint s = 0; s < G_N_ELEMENTS(SIZES); s++) {
            OvlCardLayout l;
            GstVideoOverlayComposition *comp =
                render_ok(&spec, SIZES[s].width, SIZES[s].height, &l);
            gst_video_overlay_composition_unref(comp);
            g_assert_true(inside(&l.card, l.qr.x, l.qr.y, l.qr.width, l.qr.height));
            for (int a = 0; a < OVL_CARD_N_TEXTS; a++) {
                const OvlRect *ra = &l.text[a].box;
                g_assert_false(is_empty(ra));
                g_assert_true(inside(&l.card, ra->x, ra->y, ra->width, ra->height));
                g_assert_false(intersect(ra, &l.qr));
                for (int b = a + 1; b < OVL_CARD_N_TEXTS; b++) {
                    if (intersect(ra, &l.text[b].box))
                        g_error("posting %u at %dx%d: text %d overlaps text %d", i, SIZES[s].width,
                                SIZES[s].height, a, b);
                }
            }
        }
    }
}

/* The sign-up counter is a small rectangle of its own, on the card's top edge right of the tab,
 * inside the safe area, clear of every word and of the QR code, for every posting and size. */
static void test_counter_own_layer(void)
{
    g_autoptr(GPtrArray) postings = load_postings();
    for (guint i = 0; i < postings->len; i++) {
        OvlCardSpec spec = posting_spec(postings->pdata[i]);
        spec.signups = 123456;
        for (guint s = 0; s < G_N_ELEMENTS(SIZES); s++) {
            OvlCardLayout l;
            GstVideoOverlayComposition *comp =
                render_ok(&spec, SIZES[s].width, SIZES[s].height, &l);
            g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(comp), ==, 3);
            gint x, y;
            guint w, h;
            gst_video_overlay_rectangle_get_render_rectangle(
                gst_video_overlay_composition_get_rectangle(comp, 2), &x, &y, &w, &h);
            gst_video_overlay_composition_unref(comp);
            g_assert_cmpint(x, ==, l.counter.x);
            g_assert_cmpint((int)w, ==, l.counter.width);
            g_assert_true(inside(&l.counter_slot, x, y, (int)w, (int)h));
            g_assert_true(inside(&l.safe, x, y, (int)w, (int)h));
            g_assert_cmpint(x + (int)w, ==, l.card.x + l.card.width); /* right-aligned */
            g_assert_cmpuint((guint64)w * h * 20, <, (guint64)l.card.width * l.card.height);
            g_assert_false(intersect(&l.counter, &l.qr));
            for (int t = 0; t < OVL_CARD_N_TEXTS; t++)
                g_assert_false(intersect(&l.counter, &l.text[t].box));
        }
    }
}

static void test_counter_hidden(void)
{
    OvlCardSpec spec = {.title = "仓库装卸工", .apply_url = "http://127.0.0.1:8080/a/1"};
    for (int n = -1; n <= 0; n++) {
        spec.signups = n;
        OvlCardLayout l;
        GstVideoOverlayComposition *comp = render_ok(&spec, 1280, 720, &l);
        g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(comp), ==, 2);
        g_assert_true(is_empty(&l.counter));
        g_assert_false(is_empty(&l.counter_slot));
        g_assert_null(ovl_card_render_counter(&l, n, 1280, 720));
        gst_video_overlay_composition_unref(comp);
    }
}

/* A count too wide for the room beside the tab is left out rather than drawn over it. */
static void test_counter_no_room(void)
{
    OvlCardSpec spec = {.title = "仓库装卸工", .apply_url = "http://127.0.0.1:8080/a/1"};
    OvlCardLayout l;
    GstVideoOverlayComposition *comp = render_ok(&spec, 1280, 720, &l);
    gst_video_overlay_composition_unref(comp);
    l.counter_slot.width = 40;
    g_assert_null(ovl_card_render_counter(&l, 7, 1280, 720));
}

/* With hires the counter also says 已招 N 人 (wider, still in its slot); without, it is the
 * counter as before. */
static void test_counter_hires(void)
{
    OvlCardSpec spec = {
        .title = "仓库装卸工", .apply_url = "http://127.0.0.1:8080/a/1", .signups = 12};
    OvlCardLayout l;
    GstVideoOverlayComposition *comp = render_ok(&spec, 1920, 1080, &l);
    gst_video_overlay_composition_unref(comp);
    GstVideoOverlayRectangle *plain = ovl_card_render_counter(&l, 12, 1920, 1080);
    GstVideoOverlayRectangle *off = ovl_card_render_counter_hires(&l, NULL, 12, -1, 1920, 1080);
    GstVideoOverlayRectangle *on = ovl_card_render_counter_hires(&l, NULL, 12, 3, 1920, 1080);
    g_assert_nonnull(plain);
    g_assert_nonnull(off);
    g_assert_nonnull(on);
    gint x[3], y[3];
    guint w[3], h[3];
    gst_video_overlay_rectangle_get_render_rectangle(plain, &x[0], &y[0], &w[0], &h[0]);
    gst_video_overlay_rectangle_get_render_rectangle(off, &x[1], &y[1], &w[1], &h[1]);
    gst_video_overlay_rectangle_get_render_rectangle(on, &x[2], &y[2], &w[2], &h[2]);
    g_assert_cmpuint(w[0], ==, w[1]);
    g_assert_cmpuint(w[2], >, w[0]);
    g_assert_true(inside(&l.counter_slot, x[2], y[2], (int)w[2], (int)h[2]));
    gst_video_overlay_rectangle_unref(plain);
    gst_video_overlay_rectangle_unref(off);
    gst_video_overlay_rectangle_unref(on);
}

/* Every sample posting can be drawn without a single box for a missing glyph. */
static void test_no_missing_glyphs(void)
{
    g_autoptr(GPtrArray) postings = load_postings();
    for (guint i = 0; i < postings->len; i++) {
        OvlCardSpec spec = posting_spec(postings->pdata[i]);
        g_autoptr(GError) error = NULL;
        if (!ovl_card_check_glyphs(&spec, &error))
            g_error("posting %u: %s", i + 1, error->message);
    }
}

/* A character no installed font has is reported with the field it is in. */
static void test_missing_glyph_reported(void)
{
    /* U+10FFFD: a private-use character no font here covers. */
    OvlCardSpec spec = {.title = "仓库装卸工", .place = "德州\U0010FFFD市"};
    g_autoptr(GError) error = NULL;
    g_assert_false(ovl_card_check_glyphs(&spec, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_RENDER);
    g_assert_nonnull(strstr(error->message, "place"));
    g_assert_null(strstr(error->message, "title"));
}

static void test_long_text_ellipsized(void)
{
    OvlCardSpec spec = {
        .title = "高级数控机床操作工兼设备日常维护保养及车间安全巡检专员（长白班不倒班）",
        .employer = "山东省某某精密机械制造股份有限公司淄博高新技术产业开发区第二分公司",
        .pay = "7000-11000 元/月",
        .place = "淄博市高新区 柳泉路与鲁泰大道交叉口向北300米路东",
        .headcount = 2,
        .apply_url = "http://127.0.0.1:8080/a/13",
    };
    for (guint s = 0; s < G_N_ELEMENTS(SIZES); s++) {
        OvlCardLayout l;
        GstVideoOverlayComposition *comp = render_ok(&spec, SIZES[s].width, SIZES[s].height, &l);
        gst_video_overlay_composition_unref(comp);
        g_assert_true(l.text[OVL_CARD_TITLE].ellipsized);
        g_assert_true(l.text[OVL_CARD_EMPLOYER].ellipsized);
        g_assert_false(l.text[OVL_CARD_PAY].ellipsized);
        g_assert_false(l.text[OVL_CARD_CTA].ellipsized);
        /* At most two title lines: under three lines' worth of its 42 px (at 720) font. */
        double scale = MIN(SIZES[s].width, SIZES[s].height) / 720.0;
        g_assert_cmpint(l.text[OVL_CARD_TITLE].box.height, <, (int)(3 * 42 * scale));
    }
}

/* Luma of frame's I420 Y plane scanned by zbar; returns the QR codes' texts, newline-joined. */
static char *scan_y_plane(GstVideoFrame *frame)
{
    int w = GST_VIDEO_FRAME_WIDTH(frame);
    int h = GST_VIDEO_FRAME_HEIGHT(frame);
    int stride = GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0);
    const guint8 *y = GST_VIDEO_FRAME_PLANE_DATA(frame, 0);
    guint8 *gray = g_malloc((gsize)w * h);
    for (int row = 0; row < h; row++)
        memcpy(gray + (gsize)row * w, y + (gsize)row * stride, w);

    char *text = ovl_test_scan_gray(gray, w, h);
    g_free(gray);
    return text;
}

/* A mid-gray frame of format, with comp blended on it. Caller unmaps and unrefs. */
static GstBuffer *blend_on_gray(GstVideoOverlayComposition *comp, GstVideoFormat format, int w,
                                int h, GstVideoFrame *frame)
{
    GstVideoInfo info;
    gst_video_info_set_format(&info, format, (guint)w, (guint)h);
    GstBuffer *buf = gst_buffer_new_allocate(NULL, info.size, NULL);
    g_assert_true(gst_video_frame_map(frame, &info, buf, GST_MAP_READWRITE));
    if (format == GST_VIDEO_FORMAT_I420) {
        for (guint p = 0; p < 3; p++) {
            guint8 *d = GST_VIDEO_FRAME_PLANE_DATA(frame, p);
            int rows = GST_VIDEO_FRAME_COMP_HEIGHT(frame, p);
            memset(d, 128, (gsize)GST_VIDEO_FRAME_PLANE_STRIDE(frame, p) * rows);
        }
    } else {
        memset(GST_VIDEO_FRAME_PLANE_DATA(frame, 0), 0x60,
               (gsize)GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0) * h);
    }
    g_assert_true(gst_video_overlay_composition_blend(comp, frame));
    return buf;
}

static void check_qr_decodes(int w, int h)
{
    OvlCardSpec spec = {
        .title = "仓库装卸工",
        .employer = "德州顺达物流有限公司",
        .pay = "180-220 元/天",
        .place = "德州市德城区 物流园B区",
        .headcount = 12,
        .apply_url = "https://jobs.example.cn/a/123?src=live",
    };
    GstVideoOverlayComposition *comp = render_ok(&spec, w, h, NULL);
    GstVideoFrame frame;
    GstBuffer *buf = blend_on_gray(comp, GST_VIDEO_FORMAT_I420, w, h, &frame);
    g_autofree char *text = scan_y_plane(&frame);
    gst_video_frame_unmap(&frame);
    gst_buffer_unref(buf);
    gst_video_overlay_composition_unref(comp);
    g_assert_cmpstr(text, ==, spec.apply_url);
}

static void test_qr_decodes_720(void)
{
    check_qr_decodes(1280, 720);
    check_qr_decodes(720, 1280);
}

static void test_qr_decodes_1080(void)
{
    check_qr_decodes(1920, 1080);
    check_qr_decodes(1080, 1920);
}

/* Reads the QR rectangle's own pixels: only pure black and pure white, a 4-module white border,
 * and a finder pattern whose dark run measures 7 whole modules of at least the minimum. */
static void check_module_size(int w, int h)
{
    OvlCardSpec spec = {.title = "岗位", .apply_url = "http://127.0.0.1:8080/a/42"};
    OvlCardLayout l;
    GstVideoOverlayComposition *comp = render_ok(&spec, w, h, &l);
    GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, 1);
    GstBuffer *pixels = gst_video_overlay_rectangle_get_pixels_unscaled_argb(
        rect, GST_VIDEO_OVERLAY_FORMAT_FLAG_NONE);
    GstVideoMeta *meta = gst_buffer_get_video_meta(pixels);
    g_assert_nonnull(meta);
    g_assert_cmpint(meta->width, ==, l.qr.width);
    GstMapInfo map;
    g_assert_true(gst_buffer_map(pixels, &map, GST_MAP_READ));
    const guint8 *d = map.data;
    int stride = meta->stride[0];
    int side = (int)meta->width;

    int m = l.qr_module_px;
    g_assert_cmpint(m, >=, ovl_card_min_module_px(w, h));
    g_assert_cmpint(side, ==, (l.qr_modules + 8) * m);
    int black = 0;
    for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
            guint32 px;
            memcpy(&px, d + y * stride + x * 4, 4);
            g_assert_true(px == 0xffffffffu || px == 0xff000000u);
            gboolean quiet = x < 4 * m || y < 4 * m || x >= side - 4 * m || y >= side - 4 * m;
            if (quiet)
                g_assert_true(px == 0xffffffffu);
            /* Each module is a whole block: every pixel equals its block's top-left one. */
            guint32 corner;
            memcpy(&corner, d + (y / m * m) * stride + (x / m * m) * 4, 4);
            g_assert_true(px == corner);
            black += px == 0xff000000u;
        }
    }
    g_assert_cmpint(black, >, 0);
    int row = 4 * m + m / 2;
    int run = 0;
    while (4 * m + run < side) {
        guint32 px;
        memcpy(&px, d + row * stride + (4 * m + run) * 4, 4);
        if (px != 0xff000000u)
            break;
        run++;
    }
    g_assert_cmpint(run, ==, 7 * m);
    gst_buffer_unmap(pixels, &map);
    gst_video_overlay_composition_unref(comp);
}

static void test_qr_module_size(void)
{
    for (guint s = 0; s < G_N_ELEMENTS(SIZES); s++)
        check_module_size(SIZES[s].width, SIZES[s].height);
}

static void test_markup_literal(void)
{
    const char *title = "临时搬家工 <b>急招</b> & \"当天结\"";
    const char *employer = "O'Brien & 李氏搬家 <script>alert(1)</script>";
    OvlCardSpec spec = {
        title, employer, "300-400 元/天", "济南市槐荫区 &amp; <i>", 4, "http://127.0.0.1:8080/a/15",
        0,     NULL};
    OvlCardLayout l;
    GstVideoOverlayComposition *comp = render_ok(&spec, 1280, 720, &l);
    gst_video_overlay_composition_unref(comp);
    /* Parsed as markup, the tags would vanish (and the bare & would fail to parse). */
    g_assert_cmpint(l.text[OVL_CARD_TITLE].n_chars, ==, g_utf8_strlen(title, -1));
    g_assert_cmpint(l.text[OVL_CARD_EMPLOYER].n_chars, ==, g_utf8_strlen(employer, -1));
    g_assert_cmpint(l.text[OVL_CARD_PLACE].n_chars, ==, g_utf8_strlen(spec.place, -1));

    /* The literal tags take room: the title is wider than the same words without them. */
    OvlCardSpec plain = spec;
    plain.title = "临时搬家工 急招 & \"当天结\"";
    OvlCardLayout lp;
    comp = render_ok(&plain, 1280, 720, &lp);
    gst_video_overlay_composition_unref(comp);
    g_assert_cmpint(l.text[OVL_CARD_TITLE].box.width, >, lp.text[OVL_CARD_TITLE].box.width);
}

static void test_too_small_refused(void)
{
    OvlCardSpec spec = {.title = "岗位", .headcount = 1, .apply_url = "http://127.0.0.1/a/1"};
    const Size tiny[] = {{160, 90}, {90, 160}, {320, 180}};
    for (guint i = 0; i < G_N_ELEMENTS(tiny); i++) {
        g_autoptr(GError) error = NULL;
        GstVideoOverlayComposition *comp =
            ovl_card_render(&spec, tiny[i].width, tiny[i].height, NULL, &error);
        g_assert_null(comp);
        g_assert_error(error, JC_ERROR, JC_ERROR_RENDER);
    }
    g_autoptr(GError) error = NULL;
    g_assert_null(ovl_card_render(&spec, 0, 720, NULL, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
}

/* A link too long for a QR that fits the frame is refused, not drawn with tiny modules. */
static void test_huge_url_refused(void)
{
    g_autoptr(GString) url = g_string_new("https://jobs.example.cn/a/1?x=");
    while (url->len < 1500)
        g_string_append(url, "abcdefghij");
    OvlCardSpec spec = {.title = "岗位", .apply_url = url->str};
    g_autoptr(GError) error = NULL;
    g_assert_null(ovl_card_render(&spec, 1280, 720, NULL, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_RENDER);
}

static void test_no_url_no_qr(void)
{
    OvlCardSpec spec = {
        .title = "家政保洁员", .employer = "泉城家政服务中心", .pay = "35-45 元/时"};
    for (guint s = 0; s < G_N_ELEMENTS(SIZES); s++) {
        OvlCardLayout l;
        GstVideoOverlayComposition *comp = render_ok(&spec, SIZES[s].width, SIZES[s].height, &l);
        g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(comp), ==, 1);
        g_assert_true(is_empty(&l.qr));
        g_assert_cmpint(l.qr_module_px, ==, 0);
        g_assert_true(is_empty(&l.text[OVL_CARD_CTA].box));
        g_assert_true(is_empty(&l.text[OVL_CARD_CODE].box));
        g_assert_true(is_empty(&l.text[OVL_CARD_HEADCOUNT].box));
        gst_video_overlay_composition_unref(comp);
    }
}

/* Writes the card blended over a gray BGRx frame as a PNG, named after the frame size. */
static void save_screenshot(const OvlCardSpec *spec, int w, int h, const char *suffix)
{
    GstVideoOverlayComposition *comp = render_ok(spec, w, h, NULL);
    GstVideoFrame frame;
    GstBuffer *buf = blend_on_gray(comp, GST_VIDEO_FORMAT_BGRx, w, h, &frame);
    /* BGRx in memory is cairo's RGB24 on little-endian. */
    cairo_surface_t *surface = cairo_image_surface_create_for_data(
        GST_VIDEO_FRAME_PLANE_DATA(&frame, 0), CAIRO_FORMAT_RGB24, w, h,
        GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0));
    g_autofree char *dir = g_build_filename(ovl_test_build_dir(), "screenshots", NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_autofree char *name = g_strdup_printf("card-%dx%d%s.png", w, h, suffix);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_assert_cmpint(cairo_surface_write_to_png(surface, path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surface);
    gst_video_frame_unmap(&frame);
    gst_buffer_unref(buf);
    gst_video_overlay_composition_unref(comp);
    g_test_message("wrote %s", path);
}

/* The posting's code to type sits with the QR's call to action, in about its size, whole and
 * clear of the QR code: beside the QR in portrait, under it in landscape. Without a code the
 * card is drawn without one. */
static void test_code_beside_qr(void)
{
    g_autoptr(GPtrArray) postings = load_postings();
    for (guint i = 0; i < postings->len; i++) {
        OvlCardSpec spec = posting_spec(postings->pdata[i]);
        for (guint s = 0; s < G_N_ELEMENTS(SIZES); s++) {
            OvlCardLayout l;
            gst_video_overlay_composition_unref(
                render_ok(&spec, SIZES[s].width, SIZES[s].height, &l));
            const OvlCardTextInfo *code = &l.text[OVL_CARD_CODE];
            const OvlCardTextInfo *cta = &l.text[OVL_CARD_CTA];
            g_assert_false(is_empty(&code->box));
            g_assert_cmpint(code->n_chars, ==, (int)g_utf8_strlen("岗位码 1024", -1));
            g_assert_false(code->ellipsized);
            g_assert_cmpint(code->box.height * 4, >=, cta->box.height * 3);
            g_assert_false(intersect(&code->box, &l.qr));
            if (SIZES[s].height > SIZES[s].width)
                g_assert_cmpint(code->box.x, >=, l.qr.x + l.qr.width);
            else
                g_assert_cmpint(code->box.y, >=, l.qr.y + l.qr.height);
            g_assert_cmpint(code->box.y, >=, cta->box.y + cta->box.height);
        }
        spec.code = NULL;
        OvlCardLayout none;
        gst_video_overlay_composition_unref(render_ok(&spec, 720, 1280, &none));
        g_assert_true(is_empty(&none.text[OVL_CARD_CODE].box));
        g_assert_false(is_empty(&none.qr));
    }
}

static void test_screenshots(void)
{
    g_autoptr(GPtrArray) postings = load_postings();
    OvlCardSpec first = posting_spec(postings->pdata[0]);
    OvlCardSpec edge = posting_spec(postings->pdata[postings->len - 3]);
    OvlCardSpec markup = posting_spec(postings->pdata[postings->len - 1]);
    for (guint s = 0; s < G_N_ELEMENTS(SIZES); s++) {
        save_screenshot(&first, SIZES[s].width, SIZES[s].height, "");
        save_screenshot(&edge, SIZES[s].width, SIZES[s].height, "-long");
        save_screenshot(&markup, SIZES[s].width, SIZES[s].height, "-markup");
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_test("/overlay/card/renders-every-sample-posting", test_every_posting);
    add_test("/overlay/card/texts-never-overlap", test_texts_never_overlap);
    add_test("/overlay/card/long-text-ellipsized", test_long_text_ellipsized);
    add_test("/overlay/card/qr-decodes-720", test_qr_decodes_720);
    add_test("/overlay/card/qr-decodes-1080", test_qr_decodes_1080);
    add_test("/overlay/card/qr-module-size", test_qr_module_size);
    add_test("/overlay/card/markup-drawn-literally", test_markup_literal);
    add_test("/overlay/card/too-small-refused", test_too_small_refused);
    add_test("/overlay/card/huge-url-refused", test_huge_url_refused);
    add_test("/overlay/card/no-url-no-qr", test_no_url_no_qr);
    add_test("/overlay/card/screenshots", test_screenshots);
    add_test("/overlay/card/code-beside-qr", test_code_beside_qr);
    add_test("/overlay/card/counter/own-layer-clear-of-everything", test_counter_own_layer);
    add_test("/overlay/card/counter/hidden-without-signups", test_counter_hidden);
    add_test("/overlay/card/counter/left-out-without-room", test_counter_no_room);
    add_test("/overlay/card/counter/hires-when-shown", test_counter_hires);
    add_test("/overlay/card/glyphs/none-missing-in-samples", test_no_missing_glyphs);
    add_test("/overlay/card/glyphs/missing-reported", test_missing_glyph_reported);
    return ovl_test_run();
}
