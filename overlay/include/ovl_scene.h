/* ovl_scene: an immutable, reference-counted description of what should be on screen.
 *
 * Built by control on the main thread, handed to the render worker, never changed after
 * creation, so any thread may read it without a lock. Knows nothing about postings or SQLite:
 * it holds the words already formatted for the screen. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct OvlScene OvlScene;

/* The on-air job card. Every string is copied by ovl_scene_new_card(); NULL means empty. */
typedef struct {
    const char *title;     /* 岗位 */
    const char *employer;  /* 企业 */
    const char *pay;       /* formatted with its unit, e.g. "180-220 元/天" (jc_format_pay) */
    const char *place;     /* 地点 */
    gint headcount;        /* 招聘人数; <= 0 hides the line */
    const char *apply_url; /* what the QR code encodes; NULL or "" draws no QR */
    gint signups;          /* 已有 N 人报名, its own small layer; <= 0 hides it */
    const char *code;      /* the posting's code to type (岗位码), e.g. "1024", shown with the
                              QR code's call to action; NULL or "" hides it */
} OvlCardSpec;

/* What is on screen besides the card. Strings are copied; NULL or "" means none. */
typedef struct {
    const char *ticker;     /* 滚动字幕: one line scrolling right to left at a steady speed */
    const char *brand;      /* the live room's name (brand bug, top right) */
    const char *host_name;  /* lower third, just above the card */
    const char *host_title; /* under the host's name */
    const char *slate;      /* a break: these words (e.g. 休息中) and the card's QR code in a
                               panel replace the card until the next scene without it */
    const char *question; /* a viewer's question on air (观众提问：…), above the lower third */
    gboolean show_hires; /* the card's counter adds 已招 hires 人 (off: as before) */
    gint hires;          /* hired so far for the posting on air, with show_hires */
} OvlSceneExtras;

/* A scene with card (NULL: none) and extras (NULL: none). (transfer full) */
OvlScene *ovl_scene_new(const OvlCardSpec *card, const OvlSceneExtras *extras);

/* A scene showing one card. (transfer full) */
OvlScene *ovl_scene_new_card(const OvlCardSpec *spec);

/* A scene with nothing on screen (no posting on air). (transfer full) */
OvlScene *ovl_scene_new_empty(void);

OvlScene *ovl_scene_ref(OvlScene *scene);
void ovl_scene_unref(OvlScene *scene);

/* (transfer none) NULL for an empty scene. Valid as long as the scene is. */
const OvlCardSpec *ovl_scene_card(const OvlScene *scene);

/* (transfer none) The ticker's text, or NULL for none. Valid as long as the scene is. */
const char *ovl_scene_ticker(const OvlScene *scene);

/* (transfer none) The extras' other words (brand, host_name, host_title, slate, question: NULL for
 * none); the ticker field is the same as ovl_scene_ticker(). Valid as long as the scene is. */
const OvlSceneExtras *ovl_scene_extras(const OvlScene *scene);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(OvlScene, ovl_scene_unref)

G_END_DECLS
