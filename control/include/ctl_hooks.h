/* ctl_hooks: what control calls back into the program (main wires them to the overlay and the
 * streamer): what is on air, the scene around it, preview frames and card drawings. Types
 * only; public through ctl_control.h.
 *
 * Threads: as each type says (main, except CtlCardFunc, which runs on a worker). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_posting.h"

G_BEGIN_DECLS

/* Called on the main thread whenever what is on air changes (and once at start-up).
 * posting is borrowed (NULL: nothing on air); apply_url is the QR link for it. */
typedef void (*CtlOnAirFunc)(const CtlPosting *posting, const char *apply_url, gpointer data);

/* Everything the overlay should show beyond the card: a snapshot passed to on_scene. All
 * pointers are borrowed for the duration of the call; strings are never NULL ("" = hide). */
typedef struct {
    const CtlPosting *posting; /* on air (program), NULL when nothing is */
    const char *apply_url;     /* its QR link, NULL when nothing is on air */
    gint64 signups;            /* committed sign-ups of the on-air posting (all shows) */
    gboolean show_hires;    /* the card says 已招 N 人 (postings.show_hires; off by default) */
    gint64 hires;           /* with show_hires: the on-air posting's hires */
    const char *ticker;     /* scrolling text */
    const char *host_name;  /* lower third, first line */
    const char *host_title; /* lower third, second line */
    const char *brand;      /* the live room's name, e.g. "XX 零工直播间" */
    gboolean slate;         /* break slate on: the card makes way for the slate */
    const char *slate_text; /* what the slate says */
    const char *layout;     /* "16:9" or "9:16" */
    const char *theme;      /* a theme name; "default" */
    gboolean muted;         /* the program's sound is muted (audio.set) */
    const char *question;   /* a viewer's question on air (its own lower third) */
} CtlScene;

/* Called on the main thread whenever anything in CtlScene changes (after on_air on a take,
 * after each committed sign-up of the on-air posting, after every graphics setting) and once
 * at start-up. scene is borrowed. */
typedef void (*CtlOnSceneFunc)(const CtlScene *scene, gpointer data);

/* Called on the main thread when a stored output changed (outputs.* methods): name is to push
 * to uri (the full URI, stream key included) from now on, or to stop when uri is NULL. The
 * program, the recording and the other outputs must go on undisturbed. FALSE with error set when
 * the program cannot take it (control then undoes the stored change); stopping never fails. */
typedef gboolean (*CtlOutputFunc)(const char *name, const char *uri, gpointer data, GError **error);

/* Returns the newest preview frame as JPEG (transfer full) and its sequence number in *seq,
 * or NULL before the first frame. Called on the main thread. */
typedef GBytes *(*CtlPreviewFunc)(gpointer data, gint64 *seq);

/* What GET/POST /api/card.png asks to be drawn: one posting's card as it would go on air.
 * Everything is borrowed for the duration of the call. */
typedef struct {
    const CtlPosting *posting; /* a saved posting or the producer's unsaved draft */
    const char *apply_url;     /* its QR link */
    gint64 signups;            /* the counter on the card (0: hidden) */
    const char *layout;        /* "16:9" or "9:16": the studio's current layout */
    gboolean poster;           /* a poster to share (9:16, 1080x1920) rather than the card on
                                  air: apply_url is tagged ?src=poster and layout is ignored */
    const char *code_url;      /* poster: the code page's address (PUBLIC_URL/j) */
} CtlCardRequest;

/* Draws req as a PNG (transfer full), or NULL with error set (GET/POST /api/card.png and
 * GET /api/postings/poster.png). Called on a WORKER thread, never
 * on main, possibly several at once: it may read only req and data, and data must stay valid
 * and unchanged for as long as the control lives (main passes static data). */
typedef GBytes *(*CtlCardFunc)(const CtlCardRequest *req, gpointer data, GError **error);

/* The program's overlay as its renderer drew it, for the /overlay page (an OBS browser source):
 * its layers (each a picture with the rectangle the program places it at) and their pixels.
 * Control never sees the overlay's types: a layer's pixels travel as an opaque ref. */
typedef struct {
    /* Main thread: the layers now on air as a JSON object (docs/protocol.md, "Overlay"):
     * {"version", "width", "height", "layers": [{"id", "x", "y", "width", "height", ...}]}.
     * (transfer full) Never NULL. */
    JsonNode *(*layers)(gpointer data);
    /* Main thread: a ref on the pixels of the layer on air with this id, or NULL when none has
     * it (any more). */
    gpointer (*layer_ref)(guint64 id, gpointer data);
    /* A WORKER thread, several at once: the pixels of a ref from layer_ref as PNG (transfer
     * full), or NULL with error set. Reads only layer. */
    GBytes *(*layer_png)(gpointer layer, GError **error);
    /* Any thread: drops a ref from layer_ref. */
    void (*layer_unref)(gpointer layer);
} CtlOverlayHooks;

G_END_DECLS
