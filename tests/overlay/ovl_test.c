/* ovl_test: the helpers shared by the overlay test programs (see ovl_test.h). */
#include "ovl_test.h"

#include <gst/gst.h>
#include <pango/pangocairo.h>
#include <zbar.h>

const char *ovl_test_source_dir(void)
{
    const char *src = g_getenv("JOBCAST_SOURCE_DIR");
    return src != NULL ? src : OVL_TEST_SOURCE_DIR;
}

const char *ovl_test_build_dir(void)
{
    const char *build = g_getenv("JOBCAST_BUILD_DIR");
    return build != NULL ? build : OVL_TEST_BUILD_DIR;
}

char *ovl_test_scan_gray(const guint8 *gray, int w, int h)
{
    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t *image = zbar_image_create();
    zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(image, (unsigned)w, (unsigned)h);
    zbar_image_set_data(image, gray, (unsigned long)w * (unsigned long)h, NULL);
    GString *out = g_string_new(NULL);
    if (zbar_scan_image(scanner, image) > 0) {
        for (const zbar_symbol_t *sym = zbar_image_first_symbol(image); sym != NULL;
             sym = zbar_symbol_next(sym)) {
            if (out->len > 0)
                g_string_append_c(out, '\n');
            g_string_append(out, zbar_symbol_get_data(sym));
        }
    }
    zbar_image_destroy(image);
    zbar_image_scanner_destroy(scanner);
    return g_string_free(out, FALSE);
}

typedef struct {
    OvlTestSizeFunc check;
    int w, h;
} SizeCase;

/* Static, not allocated: `-l` exits inside g_test_run() before the suite (and so any test data)
 * is freed, and LeakSanitizer would fail the listing. Room for four calls. */
static SizeCase size_cases[16];
static guint n_size_cases;

/* GStreamer starts per test, not in main(), so that listing the tests (-l) stays light. */
static void run_size_case(gconstpointer data)
{
    const SizeCase *c = data;
    gst_init(NULL, NULL);
    c->check(c->w, c->h);
}

void ovl_test_add_sizes(const char *prefix, OvlTestSizeFunc check)
{
    static const int sizes[][2] = {{1280, 720}, {1920, 1080}, {720, 1280}, {1080, 1920}};
    for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_assert_cmpuint(n_size_cases, <, G_N_ELEMENTS(size_cases));
        SizeCase *c = &size_cases[n_size_cases++];
        *c = (SizeCase){check, sizes[i][0], sizes[i][1]};
        g_autofree char *path = g_strdup_printf("%s/%dx%d", prefix, c->w, c->h);
        g_test_add_data_func(path, c, run_size_case);
    }
}

int ovl_test_run(void)
{
    int rc = g_test_run();
    pango_cairo_font_map_set_default(NULL);
    if (gst_is_initialized())
        gst_deinit();
    return rc;
}
