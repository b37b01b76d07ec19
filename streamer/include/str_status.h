/* str_status: plain snapshots of the program for the control page (built by
 * str_pipeline_status(); input, audio and outputs each fill their part).
 *
 * Threads: a snapshot is built on the main thread and then belongs to its taker, who may keep it
 * on any thread: nothing in it refers back to the pipeline. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A snapshot of one output for the control page. Strings are owned by the snapshot; no stream
 * key appears in any of them. */
typedef struct {
    char *name;        /* owned: the output's name (unique; jc_output.h) */
    char *uri;         /* owned: redacted, the stream key shown as three stars */
    const char *state; /* static: "connecting", "live", "reconnecting", "failed", "stopped" */
    double retry_in;   /* seconds until the next attempt ("reconnecting"), else 0 */
    double kbps;       /* kbit/s actually sent over the last second or so */
    guint64 bytes;     /* bytes sent since the show started (all connections) */
    guint64 dropped;   /* encoded buffers dropped because the destination was too slow */
    double uptime;     /* seconds since the current connection went live, else 0 */
    guint attempts;    /* failed attempts since the last healthy run */
    char *error;       /* owned: last failure (stream key scrubbed), NULL if none */
} StrOutputStatus;

/* A snapshot of the whole program. Take it with str_pipeline_status(), free it with
 * str_status_free(). Plain values: the caller may keep it on any thread. */
typedef struct {
    const char *program; /* static: "built", "starting", "playing", "stopping", "stopped",
                            "error" */
    double running;      /* seconds the program has been playing */
    struct {
        char *uri;         /* owned: redacted like outputs */
        const char *state; /* static: "connecting" (opening, slate on air), "live", "slate"
                              (input stalled: slate on air), "failed" (reopening after
                              retry_in s), "stopped" */
        double retry_in;   /* seconds until the input is reopened ("failed"), else 0 */
        double fps;        /* frames per second received over the last second or so */
        guint64 frames;    /* frames received from the input since the show started */
        guint64 dropped;   /* input frames dropped (too late for the program) */
        double uptime;     /* seconds since the input went live, 0 when not live */
        guint attempts;    /* consecutive failed openings */
        char *error;       /* owned: last failure, NULL if none */
    } input;
    struct {
        char *path;        /* owned: the part being written, NULL when not recording */
        guint64 bytes;     /* bytes written to that part */
        const char *state; /* static: "off", "recording", "stopped", "disk-full" (stopped
                              before the disk filled up; the show goes on unrecorded) */
        guint64 free_mb;   /* free space left where recordings go (0 when not recording) */
    } recording;
    struct {
        guint64 frames_repeated; /* frames the program repeated to fill a hole (a late input
                                    frame): each is a frame the viewers saw twice */
        guint64 stalls;          /* times the program's picture stopped for 250 ms or more */
        double longest_gap;      /* seconds: the longest wait between two program frames */
        guint64 frames_dropped;  /* frames videorate dropped: two came for one frame's slot */
    } continuity;
    struct {
        guint64 frames; /* encoded video frames put out (0 when nothing is encoded) */
        guint64 late;   /* of those, frames the encoder took longer than a frame's duration
                           over: it fell behind the picture's pace */
    } encoder;
    GPtrArray *outputs; /* owned: StrOutputStatus *, in the order they were added (--output's
                           first); frees its elements */
    struct {
        gboolean muted;
        const char *source;       /* static: "input", "device" or "silence": what is on air */
        double level_dbfs;        /* RMS of the louder channel over the last 250 ms, measured
                                     before the mute (a pre-fader meter); -100 = silence */
        double peak_dbfs;         /* peak of the louder channel, same window; -100 = silence */
        char *device;             /* owned: as configured, NULL when none */
        const char *device_state; /* static: "off" (none configured), "connecting", "live",
                                     "failed" (silence on air, reopening), "stopped" */
        double device_retry_in;   /* seconds until the device is reopened ("failed"), else 0 */
        char *device_error;       /* owned: last failure, NULL if none */
    } audio;
    struct {
        const char *state;  /* static: "off" (no monitor: nothing encoded), "idle" (no QR expected:
                               no posting, or the slate), "waiting" (expected, not scanned yet),
                               "ok", "unreadable" (no code found), "wrong" (another URL) */
        gboolean alarm;     /* the expected code not read right for 5 s */
        char *expected;     /* owned: the URL the picture should carry, NULL when none */
        char *read;         /* owned: what the last scan read, NULL when nothing */
        double since_ok;    /* seconds since the expected code was last read right; -1 never */
        guint64 scans;      /* keyframes decoded and scanned */
        guint64 unreadable; /* scans that found no code while one was expected */
        guint64 wrong;      /* scans that read another URL than the expected one */
        guint64 alarms;     /* times the alarm was raised */
    } qr;
} StrStatus;

/* Frees one output's snapshot (a StrOutputStatus *, as StrStatus.outputs' free function). NULL is
 * allowed. */
void str_output_status_free(gpointer data);

/* Frees a snapshot. NULL is allowed. */
void str_status_free(StrStatus *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StrStatus, str_status_free)

G_END_DECLS
