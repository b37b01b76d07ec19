/* ctl_studio_private: what the studio's own files share: ctl_studio.c owns the studio's state
 * (CtlStudio) and ctl_studio_graphics.c runs its graphics.* methods through these functions.
 * No other file includes it.
 *
 * Main thread only. */
#pragma once

#include "ctl_call.h"
#include "ctl_studio.h"

G_BEGIN_DECLS

/* The graphics around the card, part of the persisted studio (state "studio"). Every string is
 * owned and never NULL. */
typedef struct {
    char *ticker;
    char *host_name;
    char *host_title;
    char *brand;
    gboolean slate; /* the break slate is on */
    char *slate_text;
    char *layout; /* "16:9" | "9:16" */
    char *theme;
} CtlGraphics;

/* The studio's graphics, for its graphics methods to change. (transfer none) */
CtlGraphics *ctl_studio_graphics(CtlStudio *st);
/* The names graphics.theme accepts, NULL-terminated; NULL: any well-formed name.
 * (transfer none) */
const char *const *ctl_studio_themes(const CtlStudio *st);
/* The graphics changed: persists the studio, broadcasts graphics.changed and sends the scene.
 * Returns the method's result, {"graphics": ...}. (transfer full) */
JsonNode *ctl_studio_graphics_changed(CtlStudio *st);
/* Appends event (text: may be NULL) by actor to the as-aired log with the posting on air. */
void ctl_studio_log(CtlStudio *st, const char *event, const char *actor, const char *text);
/* Who made a call, as the as-aired log names them. (transfer none) */
const char *ctl_studio_actor(CtlCall *call);
/* Replaces *field (owned) with a copy of value (NULL: ""). */
void ctl_studio_set_str(char **field, const char *value);

G_END_DECLS
