/* str_supervisor: keeps one throw-away sub-pipeline alive (internal to streamer/): the input, the
 * audio device and each output are a builder plus callbacks on one of these.
 *
 * It owns the attempt's pipeline, the watch on its bus, the back-off timer (str_backoff: x1.5,
 * capped, jittered), the watchdog tick, the state and its timestamps, and the log: one warning
 * per failure burst (a burst ends when an attempt has been live for healthy_us; then the
 * back-off starts again from its first delay too). What "delivering" means, what a message
 * means and what happens to buffers in flight is the owner's, through StrSupervisorFuncs.
 *
 * Threads: main thread only, callbacks included (the bus watch and timers run on the default
 * main context). The owner's streaming threads never touch the supervisor; they leave atomics
 * that its check callback reads.
 *
 * States:
 *   IDLE -start-> CONNECTING -check says flowing-> LIVE -not flowing-> STALLED -flowing-> LIVE
 *   CONNECTING (connect_timeout_us) / STALLED (stall_restart_us; at once when 0) / error / EOS
 *     -> BACKOFF -timer-> CONNECTING;  a permanent failure -> FAILED;  any -stop-> DONE */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct StrSupervisor StrSupervisor;

typedef enum {
    STR_SUP_IDLE,
    STR_SUP_CONNECTING,
    STR_SUP_LIVE,
    STR_SUP_STALLED,
    STR_SUP_BACKOFF,
    STR_SUP_FAILED,
    STR_SUP_DONE,
} StrSupState;

typedef struct {
    const char *what;          /* static: first words of log lines ("input", "output") */
    const char *label;         /* borrowed, outlives the supervisor: the redacted URI or device */
    const char *meanwhile;     /* static: what the show does during back-off, for the log line */
    guint first_retry_ms;      /* first back-off delay */
    guint max_retry_ms;        /* back-off cap */
    guint tick_ms;             /* watchdog period */
    gint64 healthy_us;         /* live this long before failing: back-off and burst start again */
    gint64 connect_us;         /* CONNECTING this long fails with connect_error; 0: wait for ever */
    gint64 stall_us;           /* STALLED this long fails with stall_error; 0: LIVE fails at once */
    const char *connect_error; /* static */
    const char *stall_error;   /* static */
    const char *eos_error;     /* static: an EOS the owner did not handle */
    const char *given_up;      /* static: the log line's end on a permanent failure */
} StrSupervisorConfig;

typedef struct {
    /* Builds the next attempt's pipeline, not started (transfer full; a ref of the same one
     * each time is fine). NULL with error set fails the attempt. Required. */
    GstElement *(*build)(gpointer data, GError **error);
    /* Every tick while started: is the attempt delivering now? now_us is monotonic. Called in
     * every state (an owner may keep rates in it); the answer counts while an attempt runs.
     * Required. */
    gboolean (*check)(gpointer data, gint64 now_us);
    /* Each message on the attempt's bus first goes here: TRUE when the owner handled it (it
     * may call str_supervisor_fail or str_supervisor_stop). An unhandled error fails the
     * attempt with its message, an unhandled EOS with eos_error. Optional. */
    gboolean (*message)(gpointer data, GstMessage *msg);
    /* The attempt's pipeline was set to PLAYING. Optional. */
    void (*opened)(gpointer data, GstElement *pipe);
    /* The attempt's pipeline is about to go to NULL (streaming threads still run). Optional. */
    void (*closing)(gpointer data);
} StrSupervisorFuncs;

/* A supervisor, not started. cfg and funcs are copied; data is the callbacks' (borrowed).
 * (transfer full) */
StrSupervisor *str_supervisor_new(const StrSupervisorConfig *cfg, const StrSupervisorFuncs *funcs,
                                  gpointer data);

/* Starts the tick and the first attempt. Only from IDLE. */
void str_supervisor_start(StrSupervisor *s);

/* Fails the running attempt: teardown, then back-off (or FAILED when permanent: no retry).
 * why is copied (already scrubbed of secrets). Ignored unless an attempt runs. */
void str_supervisor_fail(StrSupervisor *s, const char *why, gboolean permanent);

/* Tears down the attempt (if any) and stops for good: no retry, no tick. State DONE. */
void str_supervisor_stop(StrSupervisor *s);

StrSupState str_supervisor_state(StrSupervisor *s);

/* The running attempt's pipeline, or NULL. (transfer none) */
GstElement *str_supervisor_pipeline(StrSupervisor *s);

/* Seconds since the attempt went live (LIVE or STALLED), else 0. */
double str_supervisor_uptime(StrSupervisor *s);

/* Seconds until the next attempt (BACKOFF), else 0. */
double str_supervisor_retry_in(StrSupervisor *s);

/* The delay (ms) chosen at the last failure, 0 before any. */
guint str_supervisor_last_delay_ms(StrSupervisor *s);

/* Failed attempts since the last healthy run. */
guint str_supervisor_attempts(StrSupervisor *s);

/* The last failure's reason, or NULL. (transfer none) */
const char *str_supervisor_error(StrSupervisor *s);

/* Stops and frees. NULL is allowed. */
void str_supervisor_free(StrSupervisor *s);

G_END_DECLS
