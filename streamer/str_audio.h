/* str_audio: the fallback sound source, a local audio device (pulsesrc or alsasrc) opened in its
 * own small pipeline and mixed into the program when the input has no sound of its own
 * (internal to streamer/).
 *
 * Threads: created, attached, started, stopped and freed on the main thread, where its bus watch
 * and back-off timer run. The device pipeline's appsink pushes samples into an appsrc of the
 * program on the device's streaming thread; that hand-over (str_audio.c, under StrAudio.lock)
 * is the only crossing, and it never blocks. A device that cannot be opened (unplugged, no sound
 * server, a wrong name) leaves the program on the slate's silence and is retried with back-off:
 * it never stops the show. */
#pragma once

#include <gst/gst.h>

#include "str_status.h"
#include "str_supervisor.h"

G_BEGIN_DECLS

typedef struct StrAudio StrAudio;

/* Tells the device whether the input currently delivers sound (then the device is not mixed
 * in). Called on the device's streaming thread: must be cheap and thread-safe. */
typedef gboolean (*StrAudioInputHasSound)(gpointer data);

/* Validates device ("pulse:NAME", "alsa:NAME", or NAME alone for pulse; "pulse:" is the default
 * pulse device) and prepares (does not open) it. On a malformed string, NULL with
 * JC_ERROR_INVALID. */
StrAudio *str_audio_new(const char *device, StrAudioInputHasSound has_sound, gpointer data,
                        GError **error);

/* Adds the appsrc to program on a new pad of audio_mix (an audiomixer). On failure, FALSE with
 * error set. */
gboolean str_audio_attach(StrAudio *a, GstElement *program, GstElement *audio_mix, GError **error);

/* Opens the device (call once the program is playing); on failure it retries by itself with
 * back-off (2 s, x1.5, at most 30 s). */
void str_audio_start(StrAudio *a);

/* Closes the device for good. */
void str_audio_stop(StrAudio *a);

/* Fills s->audio.device_state and s->audio.device_error, and sets s->audio.source to "device"
 * when the device's sound is on air. Main thread. */
void str_audio_fill_status(StrAudio *a, StrStatus *s);

/* The supervisor keeping the device open (transfer none): for tests, which fail it on purpose. */
StrSupervisor *str_audio_supervisor(StrAudio *a);

/* Stops and frees the device. The program must be in NULL already. NULL is allowed. */
void str_audio_free(StrAudio *a);

G_END_DECLS
