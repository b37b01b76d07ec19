/* ovl_element: jobcastoverlay, an in-place video filter that blends a GstVideoOverlayComposition
 * over every frame with jobcast's pre-converted planes (ovl_blend.c).
 *
 * Lifecycle: start() loads the scene file, if any; set_info() (new caps) forgets every converted
 * layer, emits "caps-changed" and, with a scene file, (re)starts its own OvlRenderer for the frame
 * size and waits for the first card; transform_ip() runs once a frame; stop() frees it all.
 *
 * Per frame: one "draw" emission (or one ref of the renderer's composition), then for each
 * rectangle a look-up by sequence number in a small cache of converted layers; only a rectangle
 * never seen before is converted (or taken from what the render worker attached to it). A
 * rectangle whose global alpha changed (a fade) has a new sequence number but the same pixels: it
 * reuses its layer. Nothing is allocated on a frame that shows what the previous one did. Two
 * things move without any redraw, both from the frame's running time: a ticker strip's window
 * (ovl_ticker.h) and a take's transition (ovl_transition.h: fade or slide; the layers of one take
 * start on the same frame, the first that carries any of them).
 *
 * With a scene file, theme-file and safe-area choose the look (read at start, like the scene),
 * transition and transition-ms how the card enters when the renderer starts.
 *
 * Threads: the properties (scene_file, theme_file, safe_area, transition, transition_ms) are
 * guarded by the object lock; every other field belongs to the streaming
 * thread (set_info, transform_ip) or to state changes, which GStreamer never runs concurrently
 * with streaming for these fields (start/stop happen with the pads deactivated). */
#include "ovl_element.h"

#include <math.h>

#include "ovl_blend.h"
#include "ovl_renderer.h"
#include "ovl_scene_file.h"
#include "ovl_theme.h"
#include "ovl_ticker.h"
#include "ovl_transition.h"

#define TYPE_NAME "GstJobcastOverlay"
#define FORMATS "{ I420, YV12, NV12 }"
#define CACHE_MAX 16
#define FIRST_RENDER_WAIT_MS 3000

GST_DEBUG_CATEGORY_STATIC(ovl_element_debug);
#define GST_CAT_DEFAULT ovl_element_debug

#define TRANSITION_MS_DEFAULT 400

enum {
    PROP_0,
    PROP_SCENE_FILE,
    PROP_THEME_FILE,
    PROP_SAFE_AREA,
    PROP_TRANSITION,
    PROP_TRANSITION_MS
};
enum { SIGNAL_DRAW, SIGNAL_CAPS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* A converted rectangle, remembered across frames. */
typedef struct {
    guint seqnum;         /* the rectangle's sequence number when last seen */
    int x_odd, y_odd;     /* parity of its position then */
    guint width, height;  /* its render size then */
    OvlBlendLayer *layer; /* a ref */
    gboolean used;        /* seen on the current frame */
    gboolean scrolls;     /* a ticker strip: blend the window given by `ticker` */
    OvlTicker ticker;     /* copied from the rectangle once (its qdata takes a lock) */
    gboolean owned;       /* not in the cache (it was full): the user unrefs layer */
    gboolean moves;       /* has a transition mark, copied into `tr` */
    OvlTransition tr;     /* its part in a take (ovl_transition.h) */
    GstClockTime first;   /* running time of the first frame of its take (or of its own) */
} CacheEntry;

struct _OvlElement {
    GstVideoFilter parent;

    char *scene_file;             /* owned, or NULL; object lock */
    char *theme_file;             /* owned, or NULL (built-in); object lock */
    char *safe_area;              /* owned, or NULL (the theme's); object lock */
    OvlTransitionKind transition; /* object lock */
    guint transition_ms;          /* object lock */
    OvlTheme *theme;              /* a ref while started with a scene file, else NULL */

    OvlScene *scene;       /* a ref while started with a scene file, else NULL */
    OvlRenderer *renderer; /* owned; only with a scene file, once the frame size is known */
    GstSample *sample;     /* a ref, or NULL: reused for "draw" while nobody else holds it */
    CacheEntry cache[CACHE_MAX];
    guint n_cache;
    guint64 frames;          /* frames seen, for the ticker when buffers carry no timestamps */
    guint64 take;            /* the newest take seen (ovl_transition.h), 0 before any */
    GstClockTime take_first; /* running time of the first frame that carried it */
};

static GstElementClass *parent_class;

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(FORMATS)));

static void clear_sample(OvlElement *self)
{
    if (self->sample != NULL)
        gst_sample_unref(self->sample);
    self->sample = NULL;
}

static void cache_clear(OvlElement *self)
{
    for (guint i = 0; i < self->n_cache; i++)
        ovl_blend_layer_unref(self->cache[i].layer);
    self->n_cache = 0;
}

/* Drops the layers of rectangles that were not on this frame. */
static void cache_sweep(OvlElement *self)
{
    guint kept = 0;
    for (guint i = 0; i < self->n_cache; i++) {
        CacheEntry *e = &self->cache[i];
        if (!e->used) {
            ovl_blend_layer_unref(e->layer);
            continue;
        }
        e->used = FALSE;
        self->cache[kept++] = *e;
    }
    self->n_cache = kept;
}

/* The cache entry for rect as it is now: its layer cached, attached by the render worker, or
 * converted here. (transfer none) Valid until the next cache_sweep(). When the cache is full,
 * *spare is filled and returned instead, with `owned` set: the caller unrefs its layer. */
static CacheEntry *entry_for(OvlElement *self, GstVideoOverlayRectangle *rect,
                             const GstVideoInfo *info, GstClockTime now, CacheEntry *spare)
{
    guint seqnum = gst_video_overlay_rectangle_get_seqnum(rect);
    gint x = 0, y = 0;
    guint w = 0, h = 0;
    gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h);
    for (guint i = 0; i < self->n_cache; i++) {
        CacheEntry *e = &self->cache[i];
        if (e->seqnum == seqnum && e->x_odd == (x & 1) && e->y_odd == (y & 1) && e->width == w &&
            e->height == h) {
            e->used = TRUE;
            return e;
        }
    }

    /* New to us: the same pixels under a new sequence number (a fade), the worker's conversion,
     * or a conversion now (a one-off on this thread). */
    OvlBlendLayer *layer = NULL;
    for (guint i = 0; i < self->n_cache && layer == NULL; i++) {
        if (ovl_blend_layer_fits(self->cache[i].layer, rect, info))
            layer = ovl_blend_layer_ref(self->cache[i].layer);
    }
    if (layer == NULL)
        layer = ovl_blend_layer_attached(rect, info);
    if (layer == NULL) {
        GST_DEBUG_OBJECT(self, "converting rectangle %u (%ux%u) on the streaming thread", seqnum, w,
                         h);
        layer = ovl_blend_layer_new(rect, info);
    }
    CacheEntry *e = self->n_cache < CACHE_MAX ? &self->cache[self->n_cache++] : spare;
    *e = (CacheEntry){.seqnum = seqnum,
                      .x_odd = x & 1,
                      .y_odd = y & 1,
                      .width = w,
                      .height = h,
                      .layer = layer,
                      .used = TRUE,
                      .owned = e == spare,
                      .first = now};
    e->moves = ovl_transition_of(rect, &e->tr);
    if (e->moves && e->tr.take != 0) {
        /* Every layer of a take starts with the first frame that carried any of them; a layer
         * of an older take than the newest seen has finished its transition. */
        if (e->tr.take > self->take) {
            self->take = e->tr.take;
            self->take_first = now;
        }
        e->first = e->tr.take == self->take ? self->take_first : 0;
    }
    const OvlTicker *ticker = ovl_ticker_of(rect);
    if (ticker != NULL) {
        e->scrolls = TRUE;
        e->ticker = *ticker;
    }
    return e;
}

static void blend_composition(OvlElement *self, GstVideoOverlayComposition *comp,
                              GstVideoFrame *frame, GstClockTime running_time)
{
    const GstVideoInfo *info = &GST_VIDEO_FILTER(self)->in_info;
    guint n = gst_video_overlay_composition_n_rectangles(comp);
    for (guint i = 0; i < n; i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        gint x = 0, y = 0;
        gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, NULL, NULL);
        float g = gst_video_overlay_rectangle_get_global_alpha(rect);
        guint8 alpha = (guint8)lroundf(CLAMP(g, 0.0f, 1.0f) * 255.0f);
        CacheEntry spare;
        CacheEntry *e = entry_for(self, rect, info, running_time, &spare);
        if (e->moves) {
            GstClockTime since = running_time > e->first ? running_time - e->first : 0;
            /* Variable frame rate (0/1): count a 30 fps frame. */
            GstClockTime frame_dur =
                info->fps_n > 0
                    ? gst_util_uint64_scale(GST_SECOND, MAX(info->fps_d, 1), (guint64)info->fps_n)
                    : GST_SECOND / 30;
            int dx = 0, dy = 0;
            guint8 a = 255;
            if (!ovl_transition_at(&e->tr, since, frame_dur, &dx, &dy, &a)) {
                if (e->owned)
                    ovl_blend_layer_unref(e->layer);
                continue; /* gone: a leaving layer after its slide */
            }
            x += dx;
            y += dy;
            alpha = (guint8)((alpha * a + 127) / 255);
        }
        if (e->scrolls) {
            /* A ticker strip: the band-wide window at this frame's offset, column 0 moved left
             * by the offset (the strip's position keeps the chroma parity: offsets are even). */
            int offset = ovl_ticker_offset(&e->ticker, running_time);
            ovl_blend_layer_apply_window(e->layer, frame, x - offset, y, alpha, offset,
                                         e->ticker.band.width);
        } else {
            ovl_blend_layer_apply(e->layer, frame, x, y, alpha);
        }
        if (e->owned)
            ovl_blend_layer_unref(e->layer);
    }
}

/* What to draw on buf: the "draw" handler's composition, else the scene file's. (transfer full) */
static GstVideoOverlayComposition *composition_for(OvlElement *self, GstBuffer *buf)
{
    GstVideoOverlayComposition *comp = NULL;
    if (g_signal_has_handler_pending(self, signals[SIGNAL_DRAW], 0, FALSE)) {
        GstBaseTransform *bt = GST_BASE_TRANSFORM(self);
        /* The sample is reused unless a handler kept it: no allocation per frame. */
        if (self->sample == NULL || !gst_mini_object_is_writable(GST_MINI_OBJECT(self->sample))) {
            clear_sample(self);
            GstCaps *caps = gst_pad_get_current_caps(bt->sinkpad);
            self->sample = gst_sample_new(NULL, caps, &bt->segment, NULL);
            gst_clear_caps(&caps);
        }
        gst_sample_set_buffer(self->sample, buf);
        gst_sample_set_segment(self->sample, &bt->segment);
        g_signal_emit(self, signals[SIGNAL_DRAW], 0, self->sample, &comp);
        if (gst_mini_object_is_writable(GST_MINI_OBJECT(self->sample)))
            gst_sample_set_buffer(self->sample, NULL);
        else
            clear_sample(self);
    } else if (self->renderer != NULL) {
        comp = ovl_renderer_get(self->renderer);
    }
    return comp;
}

/* The frame's running time, for the ticker's scroll; frame count x duration without timestamps. */
static GstClockTime running_time(OvlElement *self, GstBuffer *buf)
{
    GstBaseTransform *bt = GST_BASE_TRANSFORM(self);
    GstClockTime t = GST_CLOCK_TIME_NONE;
    if (GST_BUFFER_PTS_IS_VALID(buf))
        t = gst_segment_to_running_time(&bt->segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buf));
    if (!GST_CLOCK_TIME_IS_VALID(t)) {
        const GstVideoInfo *info = &GST_VIDEO_FILTER(self)->in_info;
        int n = MAX(GST_VIDEO_INFO_FPS_N(info), 1), d = MAX(GST_VIDEO_INFO_FPS_D(info), 1);
        t = gst_util_uint64_scale(self->frames, (guint64)d * GST_SECOND, (guint64)n);
    }
    self->frames++;
    return t;
}

static GstFlowReturn transform_ip(GstBaseTransform *bt, GstBuffer *buf)
{
    OvlElement *self = OVL_ELEMENT(bt);
    GstVideoFilter *vf = GST_VIDEO_FILTER(bt);
    if (!vf->negotiated)
        return GST_FLOW_NOT_NEGOTIATED;

    GstVideoOverlayComposition *comp = composition_for(self, buf);
    if (comp == NULL) {
        cache_sweep(self);
        return GST_FLOW_OK;
    }
    GstVideoFrame frame;
    if (!gst_video_frame_map(&frame, &vf->in_info, buf, GST_MAP_READWRITE)) {
        gst_video_overlay_composition_unref(comp);
        GST_ELEMENT_ERROR(self, STREAM, FAILED, ("cannot map the frame"), (NULL));
        return GST_FLOW_ERROR;
    }
    blend_composition(self, comp, &frame, running_time(self, buf));
    gst_video_frame_unmap(&frame);
    gst_video_overlay_composition_unref(comp);
    cache_sweep(self);
    return GST_FLOW_OK;
}

/* Starts (or restarts, for a new frame size) the scene file's renderer and waits for its first
 * card, so that the first frame already carries it. */
static gboolean start_renderer(OvlElement *self, const GstVideoInfo *info)
{
    int w = GST_VIDEO_INFO_WIDTH(info), h = GST_VIDEO_INFO_HEIGHT(info);
    ovl_renderer_free(self->renderer);
    self->renderer = NULL;
    g_autoptr(GError) error = NULL;
    self->renderer = ovl_renderer_new_themed(w, h, self->theme, &error);
    if (self->renderer == NULL) {
        GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("cannot draw a card on %dx%d frames", w, h),
                          ("%s", error->message));
        return FALSE;
    }
    GST_OBJECT_LOCK(self);
    OvlTransitionKind kind = self->transition;
    guint ms = self->transition_ms;
    GST_OBJECT_UNLOCK(self);
    ovl_renderer_set_transition(self->renderer, kind, ms);
    guint64 seq = ovl_renderer_submit(self->renderer, self->scene);
    if (!ovl_renderer_wait(self->renderer, seq, FIRST_RENDER_WAIT_MS))
        GST_WARNING_OBJECT(self, "the scene's first render is late; frames start without it");
    g_autofree char *why = ovl_renderer_last_error(self->renderer);
    if (why != NULL)
        GST_ELEMENT_WARNING(self, RESOURCE, READ, ("the scene cannot be drawn"), ("%s", why));
    return TRUE;
}

static gboolean set_info(GstVideoFilter *vf, GstCaps *incaps, GstVideoInfo *in_info,
                         GstCaps *outcaps, GstVideoInfo *out_info)
{
    OvlElement *self = OVL_ELEMENT(vf);
    if (!ovl_blend_format_supported(GST_VIDEO_INFO_FORMAT(in_info)))
        return FALSE;
    GST_INFO_OBJECT(self, "blending over %" GST_PTR_FORMAT, incaps);
    cache_clear(self);
    clear_sample(self);
    if (self->scene != NULL) {
        gboolean same_size = self->renderer != NULL &&
                             GST_VIDEO_INFO_WIDTH(in_info) == GST_VIDEO_INFO_WIDTH(&vf->in_info) &&
                             GST_VIDEO_INFO_HEIGHT(in_info) == GST_VIDEO_INFO_HEIGHT(&vf->in_info);
        if (!same_size && !start_renderer(self, in_info))
            return FALSE;
    }
    g_signal_emit(self, signals[SIGNAL_CAPS_CHANGED], 0, incaps,
                  (guint)GST_VIDEO_INFO_WIDTH(in_info), (guint)GST_VIDEO_INFO_HEIGHT(in_info));
    return TRUE;
}

/* The theme-file and safe-area properties as a theme (a ref), or NULL with an element error. */
static OvlTheme *load_theme(OvlElement *self)
{
    GST_OBJECT_LOCK(self);
    g_autofree char *file = g_strdup(self->theme_file);
    g_autofree char *safe_text = g_strdup(self->safe_area);
    GST_OBJECT_UNLOCK(self);
    g_autoptr(GError) error = NULL;
    OvlSafeArea safe;
    if (safe_text != NULL && safe_text[0] != '\0' &&
        !ovl_theme_parse_safe_area(safe_text, "safe-area", &safe, &error)) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("bad safe-area"), ("%s", error->message));
        return NULL;
    }
    OvlTheme *theme =
        ovl_theme_configure(file != NULL && file[0] != '\0' ? file : NULL,
                            safe_text != NULL && safe_text[0] != '\0' ? &safe : NULL, &error);
    if (theme == NULL)
        GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ, ("cannot load the theme file"),
                          ("%s", error->message));
    return theme;
}

static gboolean start(GstBaseTransform *bt)
{
    OvlElement *self = OVL_ELEMENT(bt);
    GST_OBJECT_LOCK(self);
    char *path = g_strdup(self->scene_file);
    GST_OBJECT_UNLOCK(self);
    if (path == NULL || path[0] == '\0') {
        g_free(path);
        return TRUE;
    }
    self->theme = load_theme(self);
    if (self->theme == NULL) {
        g_free(path);
        return FALSE;
    }
    g_autoptr(GError) error = NULL;
    self->scene = ovl_scene_file_load(path, &error);
    g_free(path);
    if (self->scene == NULL) {
        GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ, ("cannot load the scene file"),
                          ("%s", error->message));
        return FALSE;
    }
    return TRUE;
}

static gboolean stop(GstBaseTransform *bt)
{
    OvlElement *self = OVL_ELEMENT(bt);
    ovl_renderer_free(self->renderer);
    self->renderer = NULL;
    ovl_scene_unref(self->scene);
    self->scene = NULL;
    ovl_theme_unref(self->theme);
    self->theme = NULL;
    cache_clear(self);
    clear_sample(self);
    return TRUE;
}

static void set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
    OvlElement *self = OVL_ELEMENT(object);
    switch (id) {
    case PROP_SCENE_FILE:
        GST_OBJECT_LOCK(self);
        g_free(self->scene_file);
        self->scene_file = g_value_dup_string(value);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_THEME_FILE:
        GST_OBJECT_LOCK(self);
        g_free(self->theme_file);
        self->theme_file = g_value_dup_string(value);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_SAFE_AREA:
        GST_OBJECT_LOCK(self);
        g_free(self->safe_area);
        self->safe_area = g_value_dup_string(value);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_TRANSITION:
        GST_OBJECT_LOCK(self);
        self->transition = (OvlTransitionKind)g_value_get_enum(value);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_TRANSITION_MS:
        GST_OBJECT_LOCK(self);
        self->transition_ms = g_value_get_uint(value);
        GST_OBJECT_UNLOCK(self);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    OvlElement *self = OVL_ELEMENT(object);
    switch (id) {
    case PROP_SCENE_FILE:
        GST_OBJECT_LOCK(self);
        g_value_set_string(value, self->scene_file);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_THEME_FILE:
        GST_OBJECT_LOCK(self);
        g_value_set_string(value, self->theme_file);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_SAFE_AREA:
        GST_OBJECT_LOCK(self);
        g_value_set_string(value, self->safe_area);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_TRANSITION:
        GST_OBJECT_LOCK(self);
        g_value_set_enum(value, (gint)self->transition);
        GST_OBJECT_UNLOCK(self);
        break;
    case PROP_TRANSITION_MS:
        GST_OBJECT_LOCK(self);
        g_value_set_uint(value, self->transition_ms);
        GST_OBJECT_UNLOCK(self);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void finalize(GObject *object)
{
    OvlElement *self = OVL_ELEMENT(object);
    stop(GST_BASE_TRANSFORM(self));
    g_free(self->scene_file);
    g_free(self->theme_file);
    g_free(self->safe_area);
    G_OBJECT_CLASS(parent_class)->finalize(object);
}

/* The transition property's type, registered once per process (like the element's type: the
 * binary's and the plugin's copies may meet). */
static GType transition_type(void)
{
    static gsize type_id = 0;
    if (g_once_init_enter(&type_id)) {
        static const GEnumValue values[] = {
            {OVL_TRANSITION_CUT, "The new card replaces the old on one frame", "cut"},
            {OVL_TRANSITION_FADE, "The new card fades in", "fade"},
            {OVL_TRANSITION_SLIDE, "The new card slides in while the old one slides out", "slide"},
            {0, NULL, NULL},
        };
        GType type = g_type_from_name("GstJobcastOverlayTransition");
        if (type == 0)
            type = g_enum_register_static("GstJobcastOverlayTransition", values);
        g_once_init_leave(&type_id, type);
    }
    return type_id;
}

static void class_init(gpointer klass, gpointer data)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
    GstBaseTransformClass *bt_class = GST_BASE_TRANSFORM_CLASS(klass);
    GstVideoFilterClass *vf_class = GST_VIDEO_FILTER_CLASS(klass);
    parent_class = g_type_class_peek_parent(klass);

    gobject_class->set_property = set_property;
    gobject_class->get_property = get_property;
    gobject_class->finalize = finalize;

    g_object_class_install_property(
        gobject_class, PROP_SCENE_FILE,
        g_param_spec_string("scene-file", "Scene file",
                            "Key file describing a job card to show when no \"draw\" handler is "
                            "connected ([card] title, employer, pay, place, headcount, apply-url, "
                            "code); "
                            "read when the element starts",
                            NULL,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
    g_object_class_install_property(
        gobject_class, PROP_THEME_FILE,
        g_param_spec_string("theme-file", "Theme file",
                            "With scene-file: the card's colours, fonts, logo and safe areas from "
                            "a theme file (jobcast's --theme format); a bad file fails the start. "
                            "NULL: the built-in theme",
                            NULL,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
    g_object_class_install_property(
        gobject_class, PROP_SAFE_AREA,
        g_param_spec_string("safe-area", "Safe area",
                            "With scene-file: margins kept clear, \"T,R,B,L\" in % of the frame "
                            "(each 0-45), overriding the theme's. NULL: the theme's",
                            NULL,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
    g_object_class_install_property(
        gobject_class, PROP_TRANSITION,
        g_param_spec_enum("transition", "Transition",
                          "With scene-file: how the card enters when the element starts",
                          transition_type(), OVL_TRANSITION_CUT,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
    g_object_class_install_property(
        gobject_class, PROP_TRANSITION_MS,
        g_param_spec_uint("transition-ms", "Transition duration",
                          "With scene-file: duration of a fade or slide in milliseconds (0: a cut)",
                          0, OVL_TRANSITION_MAX_MS, TRANSITION_MS_DEFAULT,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));

    /* The same contract as overlaycomposition's signals, so either element can be used. */
    signals[SIGNAL_DRAW] =
        g_signal_new("draw", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     GST_TYPE_VIDEO_OVERLAY_COMPOSITION, 1, GST_TYPE_SAMPLE);
    signals[SIGNAL_CAPS_CHANGED] =
        g_signal_new("caps-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 3, GST_TYPE_CAPS, G_TYPE_UINT, G_TYPE_UINT);

    gst_element_class_add_static_pad_template(element_class, &sink_template);
    gst_element_class_add_static_pad_template(element_class, &src_template);
    gst_element_class_set_static_metadata(
        element_class, "Jobcast overlay", "Filter/Editor/Video",
        "Blends job cards, QR codes and other overlay compositions (the \"draw\" signal, as "
        "overlaycomposition, or a scene file) over raw 4:2:0 video with pre-converted planes",
        "jobcast");

    bt_class->start = start;
    bt_class->stop = stop;
    /* Our own transform_ip: a frame with nothing to draw is not even mapped. */
    bt_class->transform_ip = transform_ip;
    bt_class->transform_ip_on_passthrough = FALSE;
    vf_class->set_info = set_info;
}

static void instance_init(GTypeInstance *instance, gpointer klass)
{
    gst_base_transform_set_in_place(GST_BASE_TRANSFORM(instance), TRUE);
    OVL_ELEMENT(instance)->transition_ms = TRANSITION_MS_DEFAULT;
}

/* Registered by hand rather than with G_DEFINE_TYPE: the static library's copy (in the jobcast
 * binary) and the plugin's copy may meet in one process, and the second must reuse the first's
 * type instead of failing to register the name again. */
GType ovl_element_get_type(void)
{
    static gsize type_id = 0;
    if (g_once_init_enter(&type_id)) {
        GType type = g_type_from_name(TYPE_NAME);
        if (type == 0) {
            GTypeInfo info = {
                .class_size = sizeof(OvlElementClass),
                .class_init = class_init,
                .instance_size = sizeof(OvlElement),
                .instance_init = instance_init,
            };
            type = g_type_register_static(GST_TYPE_VIDEO_FILTER, TYPE_NAME, &info, 0);
        }
        g_once_init_leave(&type_id, type);
    }
    return type_id;
}

gboolean ovl_element_register_in(GstPlugin *plugin)
{
    GST_DEBUG_CATEGORY_INIT(ovl_element_debug, "jobcastoverlay", 0, "jobcast overlay element");
    return gst_element_register(plugin, "jobcastoverlay", GST_RANK_NONE, OVL_TYPE_ELEMENT);
}

gboolean ovl_element_register(void)
{
    return ovl_element_register_in(NULL);
}
