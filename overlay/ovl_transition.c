/* ovl_transition: fade-in marks on overlay rectangles and the alpha ramp (see ovl_transition.h).
 * The mark is the duration itself, stored as qdata in the pointer (nothing to free). */
#include "ovl_transition.h"

static GQuark fade_quark(void)
{
    static GQuark q;
    if (q == 0)
        q = g_quark_from_static_string("jobcast-ovl-fade-in");
    return q;
}

void ovl_transition_set_fade_in(GstVideoOverlayRectangle *rect, guint ms)
{
    g_return_if_fail(rect != NULL);
    gst_mini_object_set_qdata(GST_MINI_OBJECT(rect), fade_quark(), GUINT_TO_POINTER(ms), NULL);
}

guint ovl_transition_fade_in(GstVideoOverlayRectangle *rect)
{
    g_return_val_if_fail(rect != NULL, 0);
    return GPOINTER_TO_UINT(gst_mini_object_get_qdata(GST_MINI_OBJECT(rect), fade_quark()));
}

guint8 ovl_transition_alpha(guint fade_ms, GstClockTime since, GstClockTime frame_duration)
{
    if (fade_ms == 0)
        return 255;
    GstClockTime fade = (GstClockTime)fade_ms * GST_MSECOND;
    GstClockTime shown = since + frame_duration;
    if (shown >= fade)
        return 255;
    return (guint8)MAX(1, gst_util_uint64_scale(shown, 255, fade));
}
