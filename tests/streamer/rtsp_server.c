/* rtsp_server: a test helper serving a live green picture with a tone at
 * rtsp://127.0.0.1:PORT/test (gst-rtsp-server), for the streamer's RTSP pull test.
 *
 * Usage: streamer-rtsp-server PORT. Runs until killed. Single-threaded (GLib main loop). */
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    gst_init(&argc, &argv);
    if (argc != 2) {
        g_printerr("usage: %s PORT\n", argv[0]);
        return 2;
    }
    GstRTSPServer *server = gst_rtsp_server_new();
    g_object_set(server, "address", "127.0.0.1", "service", argv[1], NULL);
    GstRTSPMediaFactory *factory = gst_rtsp_media_factory_new();
    gst_rtsp_media_factory_set_launch(
        factory, "( videotestsrc is-live=true pattern=solid-color foreground-color=0xff00ff00 ! "
                 "video/x-raw,width=640,height=360,framerate=30/1 ! x264enc tune=zerolatency "
                 "speed-preset=ultrafast key-int-max=15 ! rtph264pay name=pay0 pt=96 "
                 "audiotestsrc is-live=true freq=440 volume=0.1 ! audioconvert ! "
                 "audio/x-raw,rate=48000,channels=2 ! rtpL16pay name=pay1 pt=97 )");
    gst_rtsp_media_factory_set_shared(factory, TRUE);
    GstRTSPMountPoints *mounts = gst_rtsp_server_get_mount_points(server);
    gst_rtsp_mount_points_add_factory(mounts, "/test", factory);
    g_object_unref(mounts);
    if (gst_rtsp_server_attach(server, NULL) == 0) {
        g_printerr("cannot listen on port %s\n", argv[1]);
        return 1;
    }
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    g_main_loop_run(loop);
    return EXIT_SUCCESS;
}
