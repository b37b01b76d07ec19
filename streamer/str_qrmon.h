/* str_qrmon: the QR read-back monitor. Viewers scan the QR code off a platform's re-encoded,
 * down-scaled stream, not off our overlay: so every few seconds the monitor takes a keyframe of
 * jobcast's own encoded H.264, decodes it, scales it as a platform's low rendition would (the
 * shorter side STR_QRMON_HEIGHT pixels) and scans it with zbar. The caller says which URL the
 * picture should carry (the on-air posting's apply link, NULL while none is expected: no posting,
 * or the slate on air); the monitor reports whether it reads, and raises an alarm when the
 * expected code has not been read right (unreadable, or another URL) for STR_QRMON_ALARM_SECONDS.
 *
 * Threads: frames are let through on the encoder's thread (a pad probe, keyframes only, one per
 * STR_QRMON_INTERVAL_MS), decoded and scanned on the monitor branch's own thread (a leaky queue
 * in front: a slow scan never holds the program); the expectation and the results are under a
 * mutex; str_qrmon_expect() and str_qrmon_fill_status() from any thread (the main one). */
#pragma once

#include <gst/gst.h>

#include "str_profile.h"
#include "str_status.h"

G_BEGIN_DECLS

#define STR_QRMON_HEIGHT 360
#define STR_QRMON_INTERVAL_MS 2000
#define STR_QRMON_ALARM_SECONDS 5

typedef struct StrQrMonitor StrQrMonitor;

/* blur_from/blur_to (tests only; 0 and 0 = never): seconds after the attach between which every
 * scanned frame is blurred first, as a platform's worst rendition would, so that the alarm can
 * be shown to fire and clear. (transfer full) */
StrQrMonitor *str_qrmon_new(guint blur_from, guint blur_to);

/* Adds the monitor's branch to program on its own pad of the encoded video tee. */
gboolean str_qrmon_attach(StrQrMonitor *m, GstBin *program, GstElement *encoded_tee,
                          const StrProfile *profile, GError **error);

/* What the picture should carry from now on (copied); NULL = no QR expected. */
void str_qrmon_expect(StrQrMonitor *m, const char *url);

/* Fills s->qr; logs a line when the alarm is raised or cleared. */
void str_qrmon_fill_status(StrQrMonitor *m, StrStatus *s);

/* After the pipeline is NULL. NULL ok. */
void str_qrmon_free(StrQrMonitor *m);

G_END_DECLS
