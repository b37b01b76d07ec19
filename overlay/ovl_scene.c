/* ovl_scene: immutable, reference-counted snapshots of what should be on screen.
 *
 * Invariants: a scene never changes after ovl_scene_new_*() returns, so any thread may read it
 * without a lock; only the reference count moves, atomically. A card scene owns private copies of
 * every string of its OvlCardSpec, so the caller's buffers may go away at once. */
#include "ovl_scene.h"

/* Allocated with g_atomic_rc_box_new0(): GLib keeps the reference count. */
struct OvlScene {
    gboolean has_card;
    OvlCardSpec card;      /* its strings point into the owned copies below (or are NULL) */
    char *title;           /* owned */
    char *employer;        /* owned */
    char *pay;             /* owned */
    char *place;           /* owned */
    char *apply_url;       /* owned */
    char *code;            /* owned */
    char *ticker;          /* owned, or NULL */
    char *brand;           /* owned, or NULL */
    char *host_name;       /* owned, or NULL */
    char *host_title;      /* owned, or NULL */
    char *slate;           /* owned, or NULL */
    char *question;        /* owned, or NULL */
    OvlSceneExtras extras; /* points into the ones above */
};

static OvlScene *scene_alloc(void)
{
    return g_atomic_rc_box_new0(OvlScene);
}

/* A copy of s, or NULL for NULL or "". (transfer full) */
static char *non_empty(const char *s)
{
    return s != NULL && s[0] != '\0' ? g_strdup(s) : NULL;
}

OvlScene *ovl_scene_new(const OvlCardSpec *spec, const OvlSceneExtras *extras)
{
    OvlScene *scene = scene_alloc();
    if (spec != NULL) {
        scene->has_card = TRUE;
        scene->title = g_strdup(spec->title);
        scene->employer = g_strdup(spec->employer);
        scene->pay = g_strdup(spec->pay);
        scene->place = g_strdup(spec->place);
        scene->apply_url = g_strdup(spec->apply_url);
        scene->code = g_strdup(spec->code);
        scene->card.title = scene->title;
        scene->card.employer = scene->employer;
        scene->card.pay = scene->pay;
        scene->card.place = scene->place;
        scene->card.headcount = spec->headcount;
        scene->card.apply_url = scene->apply_url;
        scene->card.signups = spec->signups;
        scene->card.code = scene->code;
    }
    if (extras != NULL) {
        scene->ticker = non_empty(extras->ticker);
        scene->brand = non_empty(extras->brand);
        scene->host_name = non_empty(extras->host_name);
        scene->host_title = non_empty(extras->host_title);
        scene->slate = non_empty(extras->slate);
        scene->question = non_empty(extras->question);
    }
    scene->extras = (OvlSceneExtras){
        .ticker = scene->ticker,
        .brand = scene->brand,
        .host_name = scene->host_name,
        .host_title = scene->host_title,
        .slate = scene->slate,
        .question = scene->question,
        .show_hires = extras != NULL && extras->show_hires,
        .hires = extras != NULL ? extras->hires : 0,
    };
    return scene;
}

OvlScene *ovl_scene_new_card(const OvlCardSpec *spec)
{
    g_return_val_if_fail(spec != NULL, NULL);
    return ovl_scene_new(spec, NULL);
}

OvlScene *ovl_scene_new_empty(void)
{
    return scene_alloc();
}

OvlScene *ovl_scene_ref(OvlScene *scene)
{
    g_return_val_if_fail(scene != NULL, NULL);
    return g_atomic_rc_box_acquire(scene);
}

static void scene_clear(gpointer data)
{
    OvlScene *scene = data;
    g_free(scene->title);
    g_free(scene->employer);
    g_free(scene->pay);
    g_free(scene->place);
    g_free(scene->apply_url);
    g_free(scene->code);
    g_free(scene->ticker);
    g_free(scene->brand);
    g_free(scene->host_name);
    g_free(scene->host_title);
    g_free(scene->slate);
    g_free(scene->question);
}

void ovl_scene_unref(OvlScene *scene)
{
    if (scene == NULL)
        return;
    /* The last release frees, after every other thread's reads (GLib's barriers). */
    g_atomic_rc_box_release_full(scene, scene_clear);
}

const OvlCardSpec *ovl_scene_card(const OvlScene *scene)
{
    g_return_val_if_fail(scene != NULL, NULL);
    return scene->has_card ? &scene->card : NULL;
}

const char *ovl_scene_ticker(const OvlScene *scene)
{
    g_return_val_if_fail(scene != NULL, NULL);
    return scene->ticker;
}

const OvlSceneExtras *ovl_scene_extras(const OvlScene *scene)
{
    g_return_val_if_fail(scene != NULL, NULL);
    return &scene->extras;
}
