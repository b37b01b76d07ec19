/* jc_program: the real program the director drives: a streamer pipeline built from the options,
 * its status and preview handed to control, the end of the show quitting the main loop.
 *
 * Threads: main thread only. */
#pragma once

#include <glib.h>

#include "ctl_control.h"
#include "jc_config.h"
#include "jc_director.h"

G_BEGIN_DECLS

typedef struct {
    const JcConfig *cfg;  /* borrowed */
    GMainLoop *loop;      /* borrowed: quit when the show is over */
    JcDirector *director; /* borrowed: whose program this is */
    CtlControl *control;  /* borrowed; NULL once control is gone */
    guint status_timer;   /* GSource id: publishes the streamer's status once a second */
    gboolean started;     /* the first program started (later ones are rebuilds) */
    int exit_code;        /* what the show ended with (JcDirectorOps.finished) */
} JcProgram;

/* The director's ops on the streamer; their data is a JcProgram. */
extern const JcDirectorOps jc_program_ops;

/* Control's CtlOutputFunc (data: a JcProgram): a stored output's change reaches the running
 * program (str_pipeline_set_output / _remove_output); between programs nothing is to do, the
 * next one is built from the stored list. */
gboolean jc_program_output(const char *name, const char *uri, gpointer data, GError **error);

G_END_DECLS
