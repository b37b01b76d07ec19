/* ovl_blend: pre-converted overlay layers and their per-frame blend in the stream's 4:2:0 format.
 *
 * Why: GStreamer's gst_video_overlay_composition_blend() unpacks and repacks whole lines to AYUV
 * in plain C for every frame. Here the rectangle is converted once (premultiplied ARGB -> the
 * frame's Y'CbCr matrix and range), and each frame only runs one tight loop per plane row over
 * the rectangle's visible span:
 *     out = round(dst * (255 - a) / 255) + pre
 * where pre is the premultiplied value (colour * a / 255). Everything is 8-bit with 16-bit
 * intermediates, so the compiler vectorises it (this file is built with -O3; the row loops are
 * cloned for AVX2 where the CPU has it).
 *
 * Chroma: each chroma sample of the frame covers a 2x2 block of luma pixels; the layer holds, per
 * block, the average of the four premultiplied chroma values and of the four alphas (pixels
 * outside the rectangle count as transparent). That depends on the parity of the rectangle's
 * position, so a layer is made for one parity (slides move by even steps to reuse it).
 *
 * Invariants: a layer never changes after ovl_blend_layer_new() returns; pre <= a in every plane,
 * so a blend never overflows 255. Rows' opaque spans ([first, end) of non-zero alpha) let the
 * blend skip transparent margins (rounded corners, the QR's surroundings). */
#include "ovl_blend.h"

#include <math.h>
#include <string.h>

/* Fraction bits of the conversion's fixed-point arithmetic: 255 * 4 * 2^FIX fits 31 bits. */
#define FIX 16

/* A half-open column range of one row that has any non-zero alpha. */
typedef struct {
    guint16 first, end;
} Span;

/* One plane of a layer: premultiplied values and alpha, same size and stride. */
typedef struct {
    guint8 *pre;   /* owned; width x height */
    guint8 *alpha; /* owned; width x height */
    Span *spans;   /* owned; one per row */
    int width, height;
} Plane;

/* Allocated with g_atomic_rc_box_new0(): GLib keeps the reference count. */
struct OvlBlendLayer {
    GstBuffer *pixels; /* a ref: the rectangle's unscaled pixels, to recognise the same picture */
    GstVideoColorMatrix matrix;
    GstVideoColorRange range;
    int x_odd, y_odd; /* parity of the position the chroma was averaged for */
    int width, height;
    Plane luma;   /* width x height */
    Plane u, v;   /* chroma cells the rectangle touches (I420, YV12) */
    Plane uv;     /* the same, interleaved U,V with alpha duplicated (NV12) */
    int cx_shift; /* chroma cell column of the rectangle's first pixel, relative to x / 2 */
};

static GQuark layer_quark(void)
{
    static GQuark q;
    if (q == 0)
        q = g_quark_from_static_string("jobcast-ovl-blend-layer");
    return q;
}

gboolean ovl_blend_format_supported(GstVideoFormat format)
{
    return format == GST_VIDEO_FORMAT_I420 || format == GST_VIDEO_FORMAT_YV12 ||
           format == GST_VIDEO_FORMAT_NV12;
}

static void plane_alloc(Plane *p, int width, int height)
{
    p->width = width;
    p->height = height;
    p->pre = g_malloc0((gsize)width * (gsize)height);
    p->alpha = g_malloc0((gsize)width * (gsize)height);
    p->spans = g_new0(Span, height);
}

static void plane_clear(Plane *p)
{
    g_free(p->pre);
    g_free(p->alpha);
    g_free(p->spans);
}

static void plane_find_spans(Plane *p)
{
    for (int row = 0; row < p->height; row++) {
        const guint8 *a = p->alpha + (gsize)row * (gsize)p->width;
        int first = 0;
        while (first < p->width && a[first] == 0)
            first++;
        int end = p->width;
        while (end > first && a[end - 1] == 0)
            end--;
        p->spans[row] = (Span){(guint16)first, (guint16)end};
    }
}

static guint8 clamp_pre(gint32 fixed, int alpha)
{
    gint32 v = (fixed + (1 << (FIX - 1))) >> FIX; /* arithmetic shift: rounds negatives too */
    if (v < 0)
        v = 0;
    if (v > alpha)
        v = alpha;
    return (guint8)v;
}

/* The frame's Y'CbCr matrix and range folded into fixed-point coefficients (FIX fraction bits)
 * that map a premultiplied pixel (r, g, b, a: 0..255) straight to premultiplied Y', Cb, Cr:
 *     pre_Y = (off_y * a + scale_y * (kr r + kg g + kb b)) / 255, etc. */
typedef struct {
    gint32 y[4], u[4], v[4]; /* coefficients of r, g, b, a */
} Matrix;

static gint32 fix(double v)
{
    return (gint32)lround(v * (1 << FIX));
}

static void matrix_for(const GstVideoInfo *info, Matrix *m)
{
    gint offset[GST_VIDEO_MAX_COMPONENTS], scale[GST_VIDEO_MAX_COMPONENTS];
    gst_video_color_range_offsets(info->colorimetry.range, info->finfo, offset, scale);
    double kr, kb;
    if (!gst_video_color_matrix_get_Kr_Kb(info->colorimetry.matrix, &kr, &kb)) {
        kr = 0.2126; /* BT.709: what an HD stream without colorimetry is taken to be */
        kb = 0.0722;
    }
    double kg = 1.0 - kr - kb, sy = scale[0] / 255.0, sc = scale[1] / 255.0;
    double cb = sc / (2.0 * (1.0 - kb)), cr = sc / (2.0 * (1.0 - kr));
    *m = (Matrix){
        .y = {fix(sy * kr), fix(sy * kg), fix(sy * kb), fix(offset[0] / 255.0)},
        .u = {fix(-cb * kr), fix(-cb * kg), fix(cb * (1.0 - kb)), fix(offset[1] / 255.0)},
        .v = {fix(cr * (1.0 - kr)), fix(-cr * kg), fix(-cr * kb), fix(offset[2] / 255.0)},
    };
}

/* Floor division by 2 that also holds for negative positions (clipped at the left/top). */
static int half_floor(int v)
{
    return v >= 0 ? v / 2 : -((1 - v) / 2);
}

static void convert(OvlBlendLayer *l, const guint8 *argb, gsize stride, const GstVideoInfo *info)
{
    Matrix m;
    matrix_for(info, &m);
    int w = l->width, h = l->height;
    int cw = (w + l->x_odd + 1) / 2, ch = (h + l->y_odd + 1) / 2;
    plane_alloc(&l->luma, w, h);
    plane_alloc(&l->u, cw, ch);
    plane_alloc(&l->v, cw, ch);
    plane_alloc(&l->uv, 2 * cw, ch);
    gint32 *sum = g_new0(gint32, (gsize)cw * 3); /* per chroma cell of a row: a, u, v */

    for (int cy = 0; cy < ch; cy++) {
        memset(sum, 0, sizeof(gint32) * (gsize)cw * 3);
        for (int dy = 0; dy < 2; dy++) {
            int y = 2 * cy + dy - l->y_odd;
            if (y < 0 || y >= h)
                continue;
            const guint8 *src = argb + (gsize)y * stride;
            guint8 *pre_y = l->luma.pre + (gsize)y * (gsize)w;
            guint8 *a_y = l->luma.alpha + (gsize)y * (gsize)w;
            for (int x = 0; x < w; x++) {
                const guint8 *p = src + 4 * x;
                /* GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB: BGRA in memory on little-endian. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
                gint32 b = p[0], g = p[1], r = p[2], a = p[3];
#else
                gint32 a = p[0], r = p[1], g = p[2], b = p[3];
#endif
                if (a == 0)
                    continue;  /* planes and sums start at zero */
                r = MIN(r, a); /* a premultiplied colour never exceeds its alpha */
                g = MIN(g, a);
                b = MIN(b, a);
                gint32 fy = m.y[0] * r + m.y[1] * g + m.y[2] * b + m.y[3] * a;
                pre_y[x] = clamp_pre(fy, a);
                a_y[x] = (guint8)a;
                gint32 *s = sum + 3 * ((x + l->x_odd) / 2);
                s[0] += a;
                s[1] += m.u[0] * r + m.u[1] * g + m.u[2] * b + m.u[3] * a;
                s[2] += m.v[0] * r + m.v[1] * g + m.v[2] * b + m.v[3] * a;
            }
        }
        for (int cx = 0; cx < cw; cx++) {
            const gint32 *s = sum + 3 * cx;
            int a = (s[0] + 2) >> 2;
            gsize i = (gsize)cy * (gsize)cw + (gsize)cx;
            l->u.alpha[i] = l->v.alpha[i] = (guint8)a;
            /* The mean of four: two more fraction bits, rounded by clamp_pre. */
            l->u.pre[i] = clamp_pre(s[1] >> 2, a);
            l->v.pre[i] = clamp_pre(s[2] >> 2, a);
            l->uv.pre[2 * i] = l->u.pre[i];
            l->uv.pre[2 * i + 1] = l->v.pre[i];
            l->uv.alpha[2 * i] = l->uv.alpha[2 * i + 1] = (guint8)a;
        }
    }
    g_free(sum);
    plane_find_spans(&l->luma);
    plane_find_spans(&l->u);
    plane_find_spans(&l->v);
    plane_find_spans(&l->uv);
}

static GstBuffer *unscaled_pixels(GstVideoOverlayRectangle *rect)
{
    GstVideoOverlayFormatFlags flags = gst_video_overlay_rectangle_get_flags(rect);
    return gst_video_overlay_rectangle_get_pixels_unscaled_raw(
        rect, flags | GST_VIDEO_OVERLAY_FORMAT_FLAG_GLOBAL_ALPHA);
}

OvlBlendLayer *ovl_blend_layer_new(GstVideoOverlayRectangle *rect, const GstVideoInfo *info)
{
    g_return_val_if_fail(rect != NULL && info != NULL, NULL);
    gint x = 0, y = 0;
    guint w = 0, h = 0;
    gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h);

    OvlBlendLayer *l = g_atomic_rc_box_new0(OvlBlendLayer);
    l->pixels = gst_buffer_ref(unscaled_pixels(rect));
    l->matrix = info->colorimetry.matrix;
    l->range = info->colorimetry.range;
    l->x_odd = x & 1;
    l->y_odd = y & 1;
    l->width = (int)MIN(w, 16384u);
    l->height = (int)MIN(h, 16384u);

    /* Scaled to the render size, premultiplied, global alpha left to the blend. */
    GstBuffer *argb = gst_video_overlay_rectangle_get_pixels_argb(
        rect, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA |
                  GST_VIDEO_OVERLAY_FORMAT_FLAG_GLOBAL_ALPHA);
    GstVideoMeta *meta = argb != NULL ? gst_buffer_get_video_meta(argb) : NULL;
    GstMapInfo map;
    if (meta != NULL && (int)meta->width == l->width && (int)meta->height == l->height &&
        gst_buffer_map(argb, &map, GST_MAP_READ)) {
        convert(l, map.data + meta->offset[0], (gsize)meta->stride[0], info);
        gst_buffer_unmap(argb, &map);
    } else {
        /* Nothing readable: an all-transparent layer of the right size draws nothing. */
        l->width = l->height = 0;
        convert(l, NULL, 0, info);
    }
    return l;
}

OvlBlendLayer *ovl_blend_layer_ref(OvlBlendLayer *layer)
{
    g_return_val_if_fail(layer != NULL, NULL);
    return g_atomic_rc_box_acquire(layer);
}

static void layer_clear(gpointer data)
{
    OvlBlendLayer *layer = data;
    gst_buffer_unref(layer->pixels);
    plane_clear(&layer->luma);
    plane_clear(&layer->u);
    plane_clear(&layer->v);
    plane_clear(&layer->uv);
}

void ovl_blend_layer_unref(OvlBlendLayer *layer)
{
    if (layer == NULL)
        return;
    g_atomic_rc_box_release_full(layer, layer_clear);
}

gboolean ovl_blend_layer_fits(const OvlBlendLayer *layer, GstVideoOverlayRectangle *rect,
                              const GstVideoInfo *info)
{
    g_return_val_if_fail(layer != NULL && rect != NULL && info != NULL, FALSE);
    gint x = 0, y = 0;
    guint w = 0, h = 0;
    gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h);
    return layer->matrix == info->colorimetry.matrix && layer->range == info->colorimetry.range &&
           layer->x_odd == (x & 1) && layer->y_odd == (y & 1) && layer->width == (int)w &&
           layer->height == (int)h && layer->pixels == unscaled_pixels(rect);
}

gsize ovl_blend_layer_area(const OvlBlendLayer *layer)
{
    g_return_val_if_fail(layer != NULL, 0);
    return (gsize)layer->width * (gsize)layer->height;
}

/* The hot loops. dst*(255-a)+128 <= 65153 and t + (t >> 8) <= 65407 fit 16 bits, which lets the
 * vectoriser use 16-bit lanes; (t + (t >> 8)) >> 8 is round(dst * (255 - a) / 255) exactly. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                             \
    !defined(__SANITIZE_ADDRESS__)
#define HOT __attribute__((target_clones("avx2", "default")))
#else
#define HOT
#endif

HOT static void blend_row(guint8 *restrict dst, const guint8 *restrict pre,
                          const guint8 *restrict alpha, int n)
{
    for (int i = 0; i < n; i++) {
        guint16 t = (guint16)(dst[i] * (255 - alpha[i]) + 128);
        dst[i] = (guint8)(((t + (t >> 8)) >> 8) + pre[i]);
    }
}

/* The same with a global alpha g (fades): a' = a*g/255, pre' = pre*g/255, both rounded. */
HOT static void blend_row_global(guint8 *restrict dst, const guint8 *restrict pre,
                                 const guint8 *restrict alpha, int n, guint8 g)
{
    for (int i = 0; i < n; i++) {
        guint16 ta = (guint16)(alpha[i] * g + 128);
        guint16 tp = (guint16)(pre[i] * g + 128);
        guint16 a = (guint16)((ta + (ta >> 8)) >> 8);
        guint16 p = (guint16)((tp + (tp >> 8)) >> 8);
        guint16 t = (guint16)(dst[i] * (255 - a) + 128);
        dst[i] = (guint8)(((t + (t >> 8)) >> 8) + p);
    }
}

/* Blends columns [lo, hi) of plane p, whose column 0 lands at frame column px (row 0 at py), over
 * a frame plane of fw x fh bytes (NV12's interleaved chroma: p is interleaved the same way). */
static void blend_plane(const Plane *p, guint8 *data, int stride, int fw, int fh, int px, int py,
                        int lo, int hi, guint8 g)
{
    int row0 = MAX(0, -py), row1 = MIN(p->height, fh - py);
    int col_min = MAX(MAX(0, -px), lo), col_max = MIN(MIN(p->width, fw - px), hi);
    for (int row = row0; row < row1; row++) {
        int first = MAX(col_min, (int)p->spans[row].first);
        int end = MIN(col_max, (int)p->spans[row].end);
        if (first >= end)
            continue;
        gsize off = (gsize)row * (gsize)p->width + (gsize)first;
        guint8 *dst = data + (gsize)(py + row) * (gsize)stride + (gsize)(px + first);
        if (g == 255)
            blend_row(dst, p->pre + off, p->alpha + off, end - first);
        else
            blend_row_global(dst, p->pre + off, p->alpha + off, end - first, g);
    }
}

void ovl_blend_layer_apply_window(const OvlBlendLayer *layer, GstVideoFrame *frame, int x, int y,
                                  guint8 global_alpha, int first, int n)
{
    g_return_if_fail(layer != NULL && frame != NULL);
    g_return_if_fail((x & 1) == layer->x_odd && (y & 1) == layer->y_odd);
    int lo = MAX(first, 0), hi = MIN(first + n, layer->width);
    if (global_alpha == 0 || lo >= hi)
        return;
    int fw = GST_VIDEO_FRAME_WIDTH(frame), fh = GST_VIDEO_FRAME_HEIGHT(frame);
    blend_plane(&layer->luma, GST_VIDEO_FRAME_COMP_DATA(frame, 0),
                GST_VIDEO_FRAME_COMP_STRIDE(frame, 0), fw, fh, x, y, lo, hi, global_alpha);

    /* The chroma cells that hold any of those columns. */
    int clo = (lo + layer->x_odd) / 2, chi = (hi - 1 + layer->x_odd) / 2 + 1;
    int cfw = GST_VIDEO_FRAME_COMP_WIDTH(frame, 1), cfh = GST_VIDEO_FRAME_COMP_HEIGHT(frame, 1);
    int cx = half_floor(x), cy = half_floor(y);
    if (GST_VIDEO_FRAME_FORMAT(frame) == GST_VIDEO_FORMAT_NV12) {
        blend_plane(&layer->uv, GST_VIDEO_FRAME_PLANE_DATA(frame, 1),
                    GST_VIDEO_FRAME_PLANE_STRIDE(frame, 1), 2 * cfw, cfh, 2 * cx, cy, 2 * clo,
                    2 * chi, global_alpha);
    } else {
        blend_plane(&layer->u, GST_VIDEO_FRAME_COMP_DATA(frame, 1),
                    GST_VIDEO_FRAME_COMP_STRIDE(frame, 1), cfw, cfh, cx, cy, clo, chi,
                    global_alpha);
        blend_plane(&layer->v, GST_VIDEO_FRAME_COMP_DATA(frame, 2),
                    GST_VIDEO_FRAME_COMP_STRIDE(frame, 2), cfw, cfh, cx, cy, clo, chi,
                    global_alpha);
    }
}

void ovl_blend_layer_apply(const OvlBlendLayer *layer, GstVideoFrame *frame, int x, int y,
                           guint8 global_alpha)
{
    g_return_if_fail(layer != NULL);
    ovl_blend_layer_apply_window(layer, frame, x, y, global_alpha, 0, layer->width);
}

void ovl_blend_prepare(GstVideoOverlayComposition *comp, const GstVideoInfo *info)
{
    g_return_if_fail(comp != NULL && info != NULL);
    if (!ovl_blend_format_supported(GST_VIDEO_INFO_FORMAT(info)))
        return;
    guint n = gst_video_overlay_composition_n_rectangles(comp);
    for (guint i = 0; i < n; i++)
        ovl_blend_prepare_rectangle(gst_video_overlay_composition_get_rectangle(comp, i), info);
}

void ovl_blend_prepare_rectangle(GstVideoOverlayRectangle *rect, const GstVideoInfo *info)
{
    g_return_if_fail(rect != NULL && info != NULL);
    if (!ovl_blend_format_supported(GST_VIDEO_INFO_FORMAT(info)))
        return;
    OvlBlendLayer *layer = ovl_blend_layer_new(rect, info);
    gst_mini_object_set_qdata(GST_MINI_OBJECT(rect), layer_quark(), layer,
                              (GDestroyNotify)ovl_blend_layer_unref);
}

OvlBlendLayer *ovl_blend_layer_attached(GstVideoOverlayRectangle *rect, const GstVideoInfo *info)
{
    g_return_val_if_fail(rect != NULL && info != NULL, NULL);
    OvlBlendLayer *layer = gst_mini_object_get_qdata(GST_MINI_OBJECT(rect), layer_quark());
    if (layer == NULL || !ovl_blend_layer_fits(layer, rect, info))
        return NULL;
    return ovl_blend_layer_ref(layer);
}

void ovl_blend_share(GstVideoOverlayRectangle *from, GstVideoOverlayRectangle *to)
{
    g_return_if_fail(from != NULL && to != NULL);
    OvlBlendLayer *layer = gst_mini_object_get_qdata(GST_MINI_OBJECT(from), layer_quark());
    if (layer != NULL)
        gst_mini_object_set_qdata(GST_MINI_OBJECT(to), layer_quark(), ovl_blend_layer_ref(layer),
                                  (GDestroyNotify)ovl_blend_layer_unref);
}
