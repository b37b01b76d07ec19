/* str_recording: the program's recording, a room of the program pipeline: the branch from the
 * encoded tees into fragmented MP4 parts (splitmuxsink), the parts' names, the free-space guard
 * that stops the recording (never the show) before the disk is full, and the retention of old
 * recordings.
 *
 * Threads: built and driven from the main thread; splitmuxsink names each new part on its
 * streaming thread (the part being written is under a mutex, read by the status). */
#pragma once

#include <gst/gst.h>

#include "str_status.h"

G_BEGIN_DECLS

typedef struct {
    const char *dir;       /* where recordings go (copied) */
    guint segment_seconds; /* a new part this often (at a keyframe); 0 = 3600 */
    guint keep_days;       /* recordings older are deleted; 0 = kept */
    guint keep_mb;         /* oldest recordings deleted beyond this total; 0 = no limit */
    guint min_free_mb;     /* the recording stops below this free space; 0 = 1024 */
} StrRecordingConfig;

typedef struct StrRecording StrRecording;

/* (transfer full) */
StrRecording *str_recording_new(const StrRecordingConfig *cfg);

/* Adds the branch to bin, fed by a queue on each of the encoded video and audio tees. */
gboolean str_recording_attach(StrRecording *r, GstBin *bin, GstElement *video_tee,
                              GstElement *audio_tee, GError **error);

/* Before the program plays: picks the first part's name (DIR/show-YYYYMMDD-HHMMSS.mp4, -N when
 * taken), creating DIR. FALSE with JC_ERROR_IO when it cannot. */
gboolean str_recording_prepare(StrRecording *r, GError **error);
/* The program failed to start: no part was written. */
void str_recording_abandon(StrRecording *r);
/* The program plays: retention once now, then the free-space guard every 2 s. */
void str_recording_started(StrRecording *r);
/* The program stops: the guard stops. */
void str_recording_stop_checks(StrRecording *r);

/* The first part's path, NULL before str_recording_prepare. (transfer none) */
const char *str_recording_path(StrRecording *r);

/* s->recording; running: the program is starting, playing or stopping. r NULL: "off". */
void str_recording_fill_status(StrRecording *r, gboolean running, StrStatus *s);

/* After the pipeline is NULL. NULL ok. */
void str_recording_free(StrRecording *r);

G_END_DECLS
