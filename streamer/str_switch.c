/* str_switch: "jobcastswitch", the program's video switch (see str_switch.h).
 *
 * Each aggregation takes every frame queued on every pad and lets through, in running-time
 * order, those that are newer than the last frame out and that no higher pad covers: a pad
 * covers the time from its newest frame to max-last-buffer-repeat after it. A short gap in the
 * input therefore leaves no frame at all (the picture holds: encoders and muxers go by
 * timestamps), a long one lets the slate through. Frames are pushed as they came, never copied.
 *
 * Threads: everything below runs on the aggregator's source thread, except the pad properties
 * (set on the main thread before the pipeline plays, read under the object lock). */
#include "str_switch.h"

#include <gst/base/gstaggregator.h>
#include <gst/video/video.h>

typedef struct {
    GstAggregatorPad parent;
    guint zorder;            /* object lock */
    GstClockTime max_repeat; /* object lock; NONE: a frame covers for ever */
    GstClockTime newest;     /* running time of the newest frame taken, NONE before the first */
} StrSwitchPad;

typedef struct {
    GstAggregatorPadClass parent_class;
} StrSwitchPadClass;

typedef struct {
    GstAggregator parent;
    GstClockTime last_out; /* running time of the last frame pushed, NONE before the first */
} StrSwitch;

typedef struct {
    GstAggregatorClass parent_class;
} StrSwitchClass;

GType str_switch_pad_get_type(void);
GType str_switch_get_type(void);
G_DEFINE_TYPE(StrSwitchPad, str_switch_pad, GST_TYPE_AGGREGATOR_PAD)
G_DEFINE_TYPE(StrSwitch, str_switch, GST_TYPE_AGGREGATOR)

enum { PROP_PAD_0, PROP_PAD_ZORDER, PROP_PAD_MAX_REPEAT };

static void pad_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
    StrSwitchPad *pad = (StrSwitchPad *)object;
    GST_OBJECT_LOCK(pad);
    switch (id) {
    case PROP_PAD_ZORDER:
        pad->zorder = g_value_get_uint(value);
        break;
    case PROP_PAD_MAX_REPEAT:
        pad->max_repeat = g_value_get_uint64(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        break;
    }
    GST_OBJECT_UNLOCK(pad);
}

static void pad_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    StrSwitchPad *pad = (StrSwitchPad *)object;
    GST_OBJECT_LOCK(pad);
    switch (id) {
    case PROP_PAD_ZORDER:
        g_value_set_uint(value, pad->zorder);
        break;
    case PROP_PAD_MAX_REPEAT:
        g_value_set_uint64(value, pad->max_repeat);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        break;
    }
    GST_OBJECT_UNLOCK(pad);
}

static void str_switch_pad_class_init(StrSwitchPadClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    gobject_class->set_property = pad_set_property;
    gobject_class->get_property = pad_get_property;
    g_object_class_install_property(
        gobject_class, PROP_PAD_ZORDER,
        g_param_spec_uint("zorder", "Z-order", "Higher pads win while they have frames", 0,
                          G_MAXUINT, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
    g_object_class_install_property(
        gobject_class, PROP_PAD_MAX_REPEAT,
        g_param_spec_uint64("max-last-buffer-repeat", "Max last buffer repeat",
                            "How long (ns) a pad's newest frame keeps the pads below off air", 0,
                            G_MAXUINT64, GST_CLOCK_TIME_NONE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void str_switch_pad_init(StrSwitchPad *pad)
{
    pad->max_repeat = GST_CLOCK_TIME_NONE;
    pad->newest = GST_CLOCK_TIME_NONE;
}

/* A frame taken off a pad, on its way out or not. */
typedef struct {
    GstBuffer *buf; /* owned */
    GstClockTime rt;
    guint zorder;
} Taken;

static gint by_running_time(gconstpointer a, gconstpointer b)
{
    const Taken *x = a;
    const Taken *y = b;
    return x->rt < y->rt ? -1 : x->rt > y->rt ? 1 : (int)y->zorder - (int)x->zorder;
}

/* A pad as one aggregation saw it: its properties copied under the pad's lock, so the frames
 * can be judged without holding any. */
typedef struct {
    guint zorder;
    GstClockTime newest;
    GstClockTime max_repeat;
} PadView;

/* Whether a pad above zorder covers running time rt. */
static gboolean covered(const PadView *views, guint n, guint zorder, GstClockTime rt)
{
    for (guint i = 0; i < n; i++) {
        const PadView *v = &views[i];
        if (v->zorder > zorder && GST_CLOCK_TIME_IS_VALID(v->newest) &&
            (!GST_CLOCK_TIME_IS_VALID(v->max_repeat) || rt <= v->newest + v->max_repeat)) {
            return TRUE;
        }
    }
    return FALSE;
}

static GstFlowReturn aggregate(GstAggregator *agg, gboolean timeout)
{
    StrSwitch *self = (StrSwitch *)agg;
    (void)timeout;
    GArray *taken = g_array_new(FALSE, FALSE, sizeof(Taken));
    GArray *views = g_array_new(FALSE, FALSE, sizeof(PadView));
    gboolean all_eos = TRUE;

    GST_OBJECT_LOCK(agg);
    for (GList *l = GST_ELEMENT(agg)->sinkpads; l != NULL; l = l->next) {
        StrSwitchPad *pad = l->data;
        GstAggregatorPad *apad = l->data;
        GST_OBJECT_LOCK(pad);
        guint zorder = pad->zorder;
        GstClockTime max_repeat = pad->max_repeat;
        GST_OBJECT_UNLOCK(pad);
        GstBuffer *buf;
        while ((buf = gst_aggregator_pad_pop_buffer(apad)) != NULL) {
            GstClockTime rt = GST_CLOCK_TIME_NONE;
            if (GST_BUFFER_PTS_IS_VALID(buf) && apad->segment.format == GST_FORMAT_TIME) {
                rt = gst_segment_to_running_time(&apad->segment, GST_FORMAT_TIME,
                                                 GST_BUFFER_PTS(buf));
            }
            if (!GST_CLOCK_TIME_IS_VALID(rt)) {
                gst_buffer_unref(buf); /* outside the segment: nothing to show */
                continue;
            }
            if (!GST_CLOCK_TIME_IS_VALID(pad->newest) || rt > pad->newest) {
                pad->newest = rt;
            }
            Taken t = {buf, rt, zorder};
            g_array_append_val(taken, t);
        }
        if (!gst_aggregator_pad_is_eos(apad)) {
            all_eos = FALSE;
        }
        PadView v = {zorder, pad->newest, max_repeat};
        g_array_append_val(views, v);
    }
    GST_OBJECT_UNLOCK(agg);

    g_array_sort(taken, by_running_time);
    GstFlowReturn ret = GST_FLOW_OK;
    for (guint i = 0; i < taken->len; i++) {
        Taken *t = &g_array_index(taken, Taken, i);
        GstBuffer *buf = g_steal_pointer(&t->buf);
        gboolean newer = !GST_CLOCK_TIME_IS_VALID(self->last_out) || t->rt > self->last_out;
        if (ret != GST_FLOW_OK || !newer ||
            covered((PadView *)(void *)views->data, views->len, t->zorder, t->rt)) {
            gst_buffer_unref(buf);
            continue;
        }
        /* The only reference: the overlay may draw into the frame without copying it. */
        buf = gst_buffer_make_writable(buf);
        GST_BUFFER_PTS(buf) = t->rt;
        GST_BUFFER_DTS(buf) = GST_CLOCK_TIME_NONE;
        self->last_out = t->rt;
        GST_OBJECT_LOCK(agg);
        GstAggregatorPad *src = GST_AGGREGATOR_PAD(agg->srcpad);
        src->segment.position =
            t->rt + (GST_BUFFER_DURATION_IS_VALID(buf) ? GST_BUFFER_DURATION(buf) : 0);
        GST_OBJECT_UNLOCK(agg);
        ret = gst_aggregator_finish_buffer(agg, buf);
    }
    g_array_free(taken, TRUE);
    g_array_free(views, TRUE);
    if (ret == GST_FLOW_OK && all_eos) {
        return GST_FLOW_EOS;
    }
    return ret;
}

/* Caps are the program's, fixed downstream; a pad's own caps (an input's frame rate, say) are
 * not the output's, so they stop here. */
static gboolean sink_event(GstAggregator *agg, GstAggregatorPad *pad, GstEvent *event)
{
    if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
        gst_event_unref(event);
        return TRUE;
    }
    return GST_AGGREGATOR_CLASS(str_switch_parent_class)->sink_event(agg, pad, event);
}

static gboolean sink_query(GstAggregator *agg, GstAggregatorPad *pad, GstQuery *query)
{
    switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_CAPS: {
        GstCaps *filter = NULL;
        gst_query_parse_caps(query, &filter);
        GstCaps *caps = gst_pad_get_pad_template_caps(GST_PAD(pad));
        if (filter != NULL) {
            GstCaps *both = gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
            gst_caps_unref(caps);
            caps = both;
        }
        gst_query_set_caps_result(query, caps);
        gst_caps_unref(caps);
        return TRUE;
    }
    case GST_QUERY_ACCEPT_CAPS:
        gst_query_set_accept_caps_result(query, TRUE);
        return TRUE;
    default:
        return GST_AGGREGATOR_CLASS(str_switch_parent_class)->sink_query(agg, pad, query);
    }
}

static gboolean start(GstAggregator *agg)
{
    ((StrSwitch *)agg)->last_out = GST_CLOCK_TIME_NONE;
    return TRUE;
}

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink_%u", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS("video/x-raw"));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("video/x-raw"));

static void str_switch_class_init(StrSwitchClass *klass)
{
    GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
    GstAggregatorClass *agg_class = GST_AGGREGATOR_CLASS(klass);
    gst_element_class_add_static_pad_template_with_gtype(element_class, &sink_template,
                                                         str_switch_pad_get_type());
    gst_element_class_add_static_pad_template_with_gtype(element_class, &src_template,
                                                         GST_TYPE_AGGREGATOR_PAD);
    gst_element_class_set_static_metadata(
        element_class, "jobcast switch", "Filter/Editor/Video",
        "Passes the highest input that has recent frames on, without copying", "jobcast");
    agg_class->aggregate = aggregate;
    agg_class->sink_event = sink_event;
    agg_class->sink_query = sink_query;
    agg_class->start = start;
    agg_class->get_next_time = gst_aggregator_simple_get_next_time;
}

static void str_switch_init(StrSwitch *self)
{
    self->last_out = GST_CLOCK_TIME_NONE;
}

gboolean str_switch_register(void)
{
    static gsize done = 0;
    static gboolean ok = FALSE;
    if (g_once_init_enter(&done)) {
        ok = gst_element_register(NULL, "jobcastswitch", GST_RANK_NONE, str_switch_get_type());
        g_once_init_leave(&done, 1);
    }
    return ok;
}
