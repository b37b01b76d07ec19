/* ctl_studio: the studio: preview and program (cue/take), graphics, mute, auto-rotation, the
 * current show, and the scene handed to the overlay (see ctl_studio.c).
 *
 * Main thread only. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_hooks.h"
#include "ctl_notify.h"
#include "ctl_rpc.h"
#include "ctl_store.h"
#include "ctl_view.h"

G_BEGIN_DECLS

typedef struct CtlStudio CtlStudio;

typedef struct {
    CtlStore *store;           /* borrowed; outlives the studio */
    const CtlView *view;       /* borrowed; outlives the studio */
    const CtlNotifier *notify; /* borrowed; outlives the studio */
    CtlOnAirFunc on_air;       /* may be NULL */
    gpointer on_air_data;
    CtlOnSceneFunc on_scene; /* may be NULL */
    gpointer on_scene_data;
    const char *const *themes; /* NULL-terminated names graphics.theme accepts; NULL = any */
    const char *layout;        /* "9:16" or "16:9" for a studio with none saved; NULL = "16:9" */
} CtlStudioConfig;

/* Restores the saved studio and what was on air (or the first posting). (transfer full) */
CtlStudio *ctl_studio_new(const CtlStudioConfig *cfg);
/* Reports what is on air (on_air) and the scene (on_scene) once. */
void ctl_studio_start(CtlStudio *st);
void ctl_studio_free(CtlStudio *st);

/* Its JSON-RPC methods (show.*, audio.set, rotation.*); their room is the CtlStudio. */
const CtlRpcMethod *ctl_studio_methods(gsize *n);
/* The graphics.* methods (ctl_studio_graphics.c), built on the studio; their room is the
 * CtlStudio too. */
const CtlRpcMethod *ctl_studio_graphics_methods(gsize *n);

/* The studio's part of state.get (preview, graphics, rotation, audio), added to o. */
void ctl_studio_add_state(CtlStudio *st, JsonObject *o);
/* Tells on_scene about the current scene. */
void ctl_studio_emit_scene(CtlStudio *st);
/* A posting changed (edited/archived): refresh the copies on air / cued and notify. */
void ctl_studio_posting_changed(CtlStudio *st, const CtlPosting *p);
/* A sign-up of posting_id was committed: the on-air counter is redrawn once per batch. */
void ctl_studio_signup_committed(CtlStudio *st, gint64 posting_id);
/* The store's batch callback (ctl_store_set_batch_func, data = the studio): a batch's sign-ups
 * were all delivered; redraws the on-air counter if one of them was for it. */
void ctl_studio_batch_committed(guint n_signups, gpointer data);

/* Readers. (transfer none) */
CtlStore *ctl_studio_store(const CtlStudio *st);
const CtlNotifier *ctl_studio_notifier(const CtlStudio *st);
const CtlView *ctl_studio_view(const CtlStudio *st);
const CtlPosting *ctl_studio_on_air(const CtlStudio *st);
const CtlPosting *ctl_studio_preview(const CtlStudio *st);
gint64 ctl_studio_show_id(const CtlStudio *st);
/* The current show if it is live, else 0. */
gint64 ctl_studio_live_show(const CtlStudio *st);
const char *ctl_studio_layout(const CtlStudio *st);

/* For ctl_shows.c: makes show_id (0: none) current and persists it. */
void ctl_studio_set_show(CtlStudio *st, gint64 show_id);
/* Reads again whether the current show is live (after it started or stopped). */
void ctl_studio_refresh_show(CtlStudio *st);
/* Cues p (transfer full; NULL clears the preview): persisted, then preview.changed. */
void ctl_studio_cue(CtlStudio *st, CtlPosting *p);
/* The postings rotation and next/previous step through: the current show's rundown, or every
 * posting by id when it has none. NULL with error set. (transfer full) GArray of gint64 */
GArray *ctl_studio_sequence(CtlStudio *st, GError **error);
/* Stops auto-rotation (and says so) if it runs. */
void ctl_studio_stop_rotation(CtlStudio *st);

/* A viewer's question on air (text: borrowed; NULL or "": none): the scene is sent again when
 * it changed. */
void ctl_studio_set_question(CtlStudio *st, const char *text);
/* What the next take calls to take the question on air off (the questions room stores it and
 * tells producers, then calls ctl_studio_set_question(NULL)); fn may be NULL. */
typedef void (*CtlQuestionOffFunc)(gpointer data);
void ctl_studio_set_question_off(CtlStudio *st, CtlQuestionOffFunc fn, gpointer data);

G_END_DECLS
