/* ovl_plugin: the GStreamer plugin "jobcast" (build/plugins/libgstjobcast.so), so that
 * gst-launch-1.0 and gst-inspect-1.0 find jobcastoverlay through GST_PLUGIN_PATH. The jobcast
 * binary does not load it: it registers the same element with ovl_element_register(). */
#include <gst/gst.h>

#include "ovl_element.h"

#define PACKAGE "jobcast"
#define VERSION JOBCAST_VERSION

static gboolean plugin_init(GstPlugin *plugin)
{
    return ovl_element_register_in(plugin);
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, jobcast,
                  "jobcast overlay: job cards and QR codes blended fast", plugin_init, VERSION,
                  "LGPL", "jobcast", "https://example.invalid/jobcast")
