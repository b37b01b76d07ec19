/* gst_test: registers overlay tests that need GStreamer, shared by the overlay test programs. */
#pragma once

#include <glib.h>
#include <gst/gst.h>

/* GStreamer starts per test, not in main(), so that listing the tests (-l) stays light. */
static inline void run_with_gst(gconstpointer test)
{
    gst_init(NULL, NULL);
    ((GTestFunc)test)();
}

static inline void add_test(const char *path, GTestFunc test)
{
    g_test_add_data_func(path, (gconstpointer)test, run_with_gst);
}
