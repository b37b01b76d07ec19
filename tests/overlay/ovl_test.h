/* ovl_test: helpers shared by the overlay test programs: where the source and build trees are,
 * zbar on a grey picture, the four frame sizes every layout is tested at, and the run that
 * releases fonts and GStreamer at the end.
 *
 * Threads: the test thread only. */
#pragma once

#include <glib.h>

/* The source tree ($JOBCAST_SOURCE_DIR, else the one this test was built from). */
const char *ovl_test_source_dir(void);

/* The build tree ($JOBCAST_BUILD_DIR, else the one this test was built in). */
const char *ovl_test_build_dir(void);

/* zbar on a grey w x h picture (rows of w bytes); the QR codes' texts, newline-joined.
 * (transfer full) */
char *ovl_test_scan_gray(const guint8 *gray, int w, int h);

typedef void (*OvlTestSizeFunc)(int w, int h);

/* Adds one test per layout, PREFIX/WxH for 1280x720, 1920x1080, 720x1280 and 1080x1920, each
 * calling check(w, h) after gst_init() (see gst_test.h). */
void ovl_test_add_sizes(const char *prefix, OvlTestSizeFunc check);

/* g_test_run(), then the font map and GStreamer released so that LeakSanitizer sees only what
 * the tests leaked. Not FcFini(): Pango's font-loading thread may still hold fontconfig's
 * caches, and FcFini() then asserts; tests/lsan.supp names fontconfig's caches instead. */
int ovl_test_run(void);
