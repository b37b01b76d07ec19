/* jc_overlay_feed: the overlay's layers for /overlay (see jc_overlay_feed.h).
 *
 * Main thread: a timer compares the renderer (and its published sequence number) with what it
 * saw last and tells control (ctl_control_overlay_changed) when they differ, with a version of
 * its own that only grows, across renderers replaced on a layout switch. Listing layers takes a
 * ref of the published composition (one lock) and reads each rectangle's marks once. The PNG
 * of a layer is encoded on control's worker from a rectangle ref taken here on main: a published
 * rectangle is immutable, so the worker reads it without a lock. */
#include "jc_overlay_feed.h"

#include "ovl_layers.h"
#include "ovl_renderer.h"

struct JcOverlayFeed {
    JcDirector *director;   /* borrowed */
    CtlControl *control;    /* borrowed */
    guint timer;            /* GSource id */
    gconstpointer renderer; /* the renderer seen last (compared only, never used) */
    guint64 published;      /* its published sequence number seen last */
    guint64 version;        /* grows at every composition seen */
};

static GstVideoOverlayComposition *current(JcOverlayFeed *f, int *width, int *height)
{
    OvlRenderer *r = jc_director_renderer(f->director, width, height);
    return r != NULL ? ovl_renderer_get(r) : NULL;
}

static JsonObject *rect_json(int x, int y, int width, int height)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "x", x);
    json_object_set_int_member(o, "y", y);
    json_object_set_int_member(o, "width", width);
    json_object_set_int_member(o, "height", height);
    return o;
}

static JsonObject *layer_json(const OvlLayer *l)
{
    JsonObject *o = rect_json(l->x, l->y, l->width, l->height);
    json_object_set_int_member(o, "id", l->id);
    if (l->scrolls) {
        JsonObject *s = rect_json(l->band.x, l->band.y, l->band.width, l->band.height);
        json_object_set_int_member(s, "period", l->period);
        json_object_set_double_member(s, "px_per_s", l->px_per_s);
        json_object_set_object_member(o, "scroll", s);
    }
    if (l->has_transition) {
        const OvlTransition *t = &l->transition;
        JsonObject *m = json_object_new();
        json_object_set_string_member(m, "kind", ovl_transition_kind_to_string(t->kind));
        json_object_set_int_member(m, "ms", t->ms);
        json_object_set_int_member(m, "take", (gint64)t->take);
        json_object_set_boolean_member(m, "leaving", t->leaving);
        json_object_set_int_member(m, "dx", t->dx);
        json_object_set_int_member(m, "dy", t->dy);
        json_object_set_object_member(o, "transition", m);
    }
    return o;
}

JsonNode *jc_overlay_feed_layers(JcOverlayFeed *f)
{
    int width = 0, height = 0;
    GstVideoOverlayComposition *comp = current(f, &width, &height);
    GArray *layers = ovl_layers_of(comp);
    JsonArray *list = json_array_new();
    for (guint i = 0; i < layers->len; i++)
        json_array_add_object_element(list, layer_json(&g_array_index(layers, OvlLayer, i)));
    g_array_unref(layers);
    if (comp != NULL)
        gst_video_overlay_composition_unref(comp);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "version", (gint64)f->version);
    json_object_set_int_member(o, "width", width);
    json_object_set_int_member(o, "height", height);
    json_object_set_array_member(o, "layers", list);
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(node, o);
    return node;
}

static JsonNode *hook_layers(gpointer data)
{
    return jc_overlay_feed_layers(data);
}

static gpointer hook_layer_ref(guint64 id, gpointer data)
{
    int width = 0, height = 0;
    GstVideoOverlayComposition *comp = current(data, &width, &height);
    GstVideoOverlayRectangle *found = NULL;
    guint n = comp != NULL ? gst_video_overlay_composition_n_rectangles(comp) : 0;
    for (guint i = 0; i < n && found == NULL; i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        if (gst_video_overlay_rectangle_get_seqnum(rect) == id)
            found = gst_video_overlay_rectangle_ref(rect);
    }
    if (comp != NULL)
        gst_video_overlay_composition_unref(comp);
    return found;
}

/* A control worker thread: reads only the (immutable, published) rectangle. */
static GBytes *hook_layer_png(gpointer layer, GError **error)
{
    return ovl_layer_png(layer, error);
}

static void hook_layer_unref(gpointer layer)
{
    gst_video_overlay_rectangle_unref(layer);
}

static const CtlOverlayHooks hooks = {
    .layers = hook_layers,
    .layer_ref = hook_layer_ref,
    .layer_png = hook_layer_png,
    .layer_unref = hook_layer_unref,
};

static gboolean on_poll(gpointer data)
{
    JcOverlayFeed *f = data;
    int width = 0, height = 0;
    OvlRenderer *r = jc_director_renderer(f->director, &width, &height);
    guint64 published = r != NULL ? ovl_renderer_published(r) : 0;
    if (r != f->renderer || published != f->published) {
        f->renderer = r;
        f->published = published;
        f->version++;
        ctl_control_overlay_changed(f->control, f->version);
    }
    return G_SOURCE_CONTINUE;
}

JcOverlayFeed *jc_overlay_feed_new(JcDirector *director, CtlControl *control)
{
    JcOverlayFeed *f = g_new0(JcOverlayFeed, 1);
    f->director = director;
    f->control = control;
    ctl_control_set_overlay_hooks(control, &hooks, f);
    f->timer = g_timeout_add(JC_OVERLAY_FEED_POLL_MS, on_poll, f);
    return f;
}

void jc_overlay_feed_free(JcOverlayFeed *f)
{
    if (f == NULL)
        return;
    g_source_remove(f->timer);
    ctl_control_set_overlay_hooks(f->control, NULL, NULL);
    g_free(f);
}
