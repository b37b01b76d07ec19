/* jc-bench-card: how long the producer's card preview (GET/POST /api/card.png) takes to draw,
 * against the overlay's own card render it is built on, so control knows whether it may run on
 * the main thread (it may not: see bench/RESULTS.md). Prints `metric:` lines.
 *
 * Usage: jc-bench-card [RUNS]. Median wall time per call of RUNS calls after one warm-up, on
 * this thread, for a 1280x720 and a 720x1280 frame. */
#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>

#include "jc_card_preview.h"
#include "ovl_card.h"

static const OvlCardSpec CARD = {
    .title = "空调安装维修学徒",
    .employer = "临沂河东区零工市场合作企业",
    .pay = "4000-6500 元/月",
    .place = "临沂市河东区",
    .headcount = 6,
    .apply_url = "http://127.0.0.1:8080/a/3",
    .signups = 37,
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median milliseconds of runs calls; png selects the whole preview, else the bare render. */
static double median_ms(int runs, gboolean png, int w, int h, gsize *bytes)
{
    double *t = g_new(double, (gsize)runs);
    for (int i = -1; i < runs; i++) {
        gint64 t0 = g_get_monotonic_time();
        if (png) {
            GBytes *b = jc_card_preview_png(&CARD, NULL, w, h, NULL);
            if (b == NULL)
                exit(1);
            *bytes = g_bytes_get_size(b);
            g_bytes_unref(b);
        } else {
            GstVideoOverlayComposition *c = ovl_card_render(&CARD, w, h, NULL, NULL);
            if (c == NULL)
                exit(1);
            gst_video_overlay_composition_unref(c);
        }
        if (i >= 0)
            t[i] = (double)(g_get_monotonic_time() - t0) / 1000.0;
    }
    qsort(t, (gsize)runs, sizeof *t, cmp_double);
    double m = t[runs / 2];
    g_free(t);
    return m;
}

int main(int argc, char **argv)
{
    gst_init(NULL, NULL);
    int runs = argc > 1 ? atoi(argv[1]) : 20;
    if (runs < 1)
        runs = 1;
    const struct {
        const char *name;
        int w, h;
    } sizes[] = {{"landscape", 1280, 720}, {"portrait", 720, 1280}};
    for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
        gsize bytes = 0;
        double base = median_ms(runs, FALSE, sizes[i].w, sizes[i].h, &bytes);
        double full = median_ms(runs, TRUE, sizes[i].w, sizes[i].h, &bytes);
        printf("metric: card_render_%s %.2f ms\n", sizes[i].name, base);
        printf("metric: card_png_%s %.2f ms\n", sizes[i].name, full);
        printf("metric: card_png_vs_render_%s %.2f x\n", sizes[i].name, full / base);
        printf("metric: card_png_bytes_%s %zu bytes\n", sizes[i].name, bytes);
    }
    return 0;
}
