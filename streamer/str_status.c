/* str_status: freeing the program's snapshots (see str_status.h).
 *
 * Threads: whichever thread holds the snapshot. */
#include "str_status.h"

void str_output_status_free(gpointer data)
{
    StrOutputStatus *o = data;
    if (o == NULL) {
        return;
    }
    g_free(o->name);
    g_free(o->uri);
    g_free(o->error);
    g_free(o);
}

void str_status_free(StrStatus *s)
{
    if (s == NULL) {
        return;
    }
    g_free(s->input.uri);
    g_free(s->input.error);
    g_free(s->recording.path);
    g_free(s->audio.device);
    g_free(s->audio.device_error);
    g_free(s->qr.expected);
    g_free(s->qr.read);
    if (s->outputs != NULL) {
        g_ptr_array_unref(s->outputs);
    }
    g_free(s);
}
