/* ovl_transition: transition marks on overlay rectangles and the motion and alpha they give on
 * each frame (see ovl_transition.h). The mark is a small copy held as the rectangle's qdata.
 *
 * Curves: an entering slide eases out (fast at first, so the very next frame shows a good part
 * of the new card, then settling), a leaving slide eases in (the old card starts slowly under the
 * new one); a fade is linear. */
#include "ovl_transition.h"

#include <math.h>
#include <string.h>

static const char *const NAMES[] = {"cut", "fade", "slide"};

static GQuark mark_quark(void)
{
    static GQuark q;
    if (q == 0)
        q = g_quark_from_static_string("jobcast-ovl-transition");
    return q;
}

gboolean ovl_transition_kind_from_string(const char *name, OvlTransitionKind *kind)
{
    for (guint i = 0; name != NULL && i < G_N_ELEMENTS(NAMES); i++) {
        if (strcmp(name, NAMES[i]) == 0) {
            *kind = (OvlTransitionKind)i;
            return TRUE;
        }
    }
    return FALSE;
}

const char *ovl_transition_kind_to_string(OvlTransitionKind kind)
{
    return (guint)kind < G_N_ELEMENTS(NAMES) ? NAMES[kind] : "cut";
}

void ovl_transition_mark(GstVideoOverlayRectangle *rect, const OvlTransition *t)
{
    g_return_if_fail(rect != NULL && t != NULL);
    gst_mini_object_set_qdata(GST_MINI_OBJECT(rect), mark_quark(), g_memdup2(t, sizeof(*t)),
                              g_free);
}

gboolean ovl_transition_of(GstVideoOverlayRectangle *rect, OvlTransition *t)
{
    g_return_val_if_fail(rect != NULL && t != NULL, FALSE);
    const OvlTransition *mark = gst_mini_object_get_qdata(GST_MINI_OBJECT(rect), mark_quark());
    if (mark == NULL)
        return FALSE;
    *t = *mark;
    return TRUE;
}

/* How far (0..1] the transition is on the frame shown `since` after its first: that first frame
 * already counts one frame of progress. */
static double progress(guint ms, GstClockTime since, GstClockTime frame_duration)
{
    if (ms == 0)
        return 1.0;
    double shown = (double)(since + frame_duration);
    return MIN(1.0, shown / ((double)ms * (double)GST_MSECOND));
}

/* v * f rounded towards zero to an even number. */
static int even_part(int v, double f)
{
    int r = (int)(v * f);
    return r - r % 2;
}

gboolean ovl_transition_at(const OvlTransition *t, GstClockTime since, GstClockTime frame_duration,
                           int *dx, int *dy, guint8 *alpha)
{
    g_return_val_if_fail(t != NULL, FALSE);
    *dx = *dy = 0;
    *alpha = 255;
    double p = progress(t->ms, since, frame_duration);
    if (t->kind == OVL_TRANSITION_CUT || t->ms == 0)
        return !t->leaving;
    if (t->leaving && p >= 1.0)
        return FALSE;
    if (t->kind == OVL_TRANSITION_FADE) {
        double a = t->leaving ? 1.0 - p : p;
        *alpha = (guint8)MAX(1, lround(a * 255));
        return TRUE;
    }
    if (t->leaving) {
        double e = p * p;
        *dx = even_part(t->dx, e);
        *dy = even_part(t->dy, e);
        return TRUE;
    }
    double rest = (1.0 - p) * (1.0 - p) * (1.0 - p); /* 1 - ease-out cubic */
    *dx = even_part(t->dx, rest);
    *dy = even_part(t->dy, rest);
    /* Never still wholly off the frame: at least 2 px in from where it started. */
    if (t->dx != 0 && abs(*dx) > abs(t->dx) - 2)
        *dx = t->dx > 0 ? t->dx - 2 : t->dx + 2;
    if (t->dy != 0 && abs(*dy) > abs(t->dy) - 2)
        *dy = t->dy > 0 ? t->dy - 2 : t->dy + 2;
    return TRUE;
}

void ovl_transition_set_fade_in(GstVideoOverlayRectangle *rect, guint ms)
{
    OvlTransition t = {.kind = ms > 0 ? OVL_TRANSITION_FADE : OVL_TRANSITION_CUT, .ms = ms};
    ovl_transition_mark(rect, &t);
}

guint ovl_transition_fade_in(GstVideoOverlayRectangle *rect)
{
    OvlTransition t;
    if (!ovl_transition_of(rect, &t) || t.kind != OVL_TRANSITION_FADE || t.leaving)
        return 0;
    return t.ms;
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
