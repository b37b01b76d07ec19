/* ctl_studio_graphics: the studio's graphics.* methods: the graphics around the card (ticker,
 * lower third, brand, break slate, layout, theme) as the producer changes them, each checked
 * here before it replaces the studio's.
 *
 * Main thread only. The graphics are the studio's state (ctl_studio.c owns, restores, persists
 * and frees them; the control hub lists these methods beside the studio's own, with the studio
 * as their room); this file changes them only through
 * ctl_studio_graphics() and hands every change back to ctl_studio_graphics_changed(), which
 * persists it, broadcasts graphics.changed and sends the scene (the studio's invariants 1-2).
 *
 * Not responsible for what the graphics look like on screen (the overlay draws them from the
 * scene) nor for which themes exist (the studio's config lists them). */
#include <string.h>

#include "ctl_call.h"
#include "ctl_studio_private.h"
#include "jc_error.h"

#define TEXT_MAX 200

/* A graphics method whose one parameter, "text" (at most max characters), replaces *field. */
static JsonNode *graphics_text(CtlStudio *st, JsonObject *params, glong max, char **field,
                               GError **error)
{
    if (!ctl_param_text(params, "text", FALSE, max, field, error))
        return NULL;
    return ctl_studio_graphics_changed(st);
}

static JsonNode *method_ticker(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    CtlGraphics *gr = ctl_studio_graphics(st);
    return graphics_text(st, params, TEXT_MAX, &gr->ticker, error);
}

static JsonNode *method_lower_third(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    CtlGraphics *gr = ctl_studio_graphics(st);
    g_autofree char *name = g_strdup(gr->host_name);
    g_autofree char *title = g_strdup(gr->host_title);
    if (!ctl_param_text(params, "name", TRUE, 30, &name, error) ||
        !ctl_param_text(params, "title", TRUE, 40, &title, error))
        return NULL;
    ctl_studio_set_str(&gr->host_name, name);
    ctl_studio_set_str(&gr->host_title, title);
    return ctl_studio_graphics_changed(st);
}

static JsonNode *method_brand(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    CtlGraphics *gr = ctl_studio_graphics(st);
    return graphics_text(st, params, 30, &gr->brand, error);
}

static JsonNode *method_slate(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    CtlGraphics *gr = ctl_studio_graphics(st);
    gboolean on;
    g_autofree char *text = g_strdup(gr->slate_text);
    if (!ctl_param_bool(params, "on", &on, error) ||
        !ctl_param_text(params, "text", TRUE, 40, &text, error))
        return NULL;
    if (on != gr->slate)
        ctl_studio_log(st, on ? "slate_on" : "slate_off", ctl_studio_actor(call), text);
    gr->slate = on;
    ctl_studio_set_str(&gr->slate_text, text);
    return ctl_studio_graphics_changed(st);
}

static JsonNode *method_layout(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    CtlGraphics *gr = ctl_studio_graphics(st);
    g_autofree char *layout = NULL;
    if (!ctl_param_text(params, "layout", FALSE, 8, &layout, error))
        return NULL;
    if (strcmp(layout, "16:9") != 0 && strcmp(layout, "9:16") != 0) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "layout: must be 16:9 or 9:16");
        return NULL;
    }
    ctl_studio_set_str(&gr->layout, layout);
    return ctl_studio_graphics_changed(st);
}

static JsonNode *method_theme(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    CtlGraphics *gr = ctl_studio_graphics(st);
    g_autofree char *theme = NULL;
    if (!ctl_param_text(params, "theme", FALSE, 32, &theme, error))
        return NULL;
    for (const char *p = theme; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_') {
            g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                                "theme: letters, digits, - and _ only");
            return NULL;
        }
    }
    if (theme[0] == '\0') {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "theme: must not be empty");
        return NULL;
    }
    const char *const *known = ctl_studio_themes(st);
    if (known != NULL && !g_strv_contains(known, theme)) {
        g_autofree char *list = g_strjoinv(", ", (char **)known);
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "theme: '%s' is not one of: %s", theme,
                    list);
        return NULL;
    }
    ctl_studio_set_str(&gr->theme, theme);
    return ctl_studio_graphics_changed(st);
}

/* graphics.themes: the themes graphics.theme accepts, and the current one. */
static JsonNode *method_themes(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    CtlGraphics *gr = ctl_studio_graphics(st);
    JsonArray *names = json_array_new();
    const char *const *known = ctl_studio_themes(st);
    if (known != NULL) {
        for (const char *const *n = known; *n != NULL; n++)
            json_array_add_string_element(names, *n);
    } else {
        json_array_add_string_element(names, "default");
        if (strcmp(gr->theme, "default") != 0)
            json_array_add_string_element(names, gr->theme);
    }
    JsonObject *o = json_object_new();
    json_object_set_array_member(o, "themes", names);
    json_object_set_string_member(o, "theme", gr->theme);
    return ctl_json_object_node(o);
}

static const CtlRpcMethod graphics_methods[] = {
    {"graphics.ticker", method_ticker, CTL_RPC_PRODUCER, NULL},
    {"graphics.lower_third", method_lower_third, CTL_RPC_PRODUCER, NULL},
    {"graphics.brand", method_brand, CTL_RPC_PRODUCER, NULL},
    {"graphics.slate", method_slate, CTL_RPC_PRODUCER, NULL},
    {"graphics.layout", method_layout, CTL_RPC_PRODUCER, NULL},
    {"graphics.theme", method_theme, CTL_RPC_PRODUCER, NULL},
    {"graphics.themes", method_themes, 0, NULL},
};

const CtlRpcMethod *ctl_studio_graphics_methods(gsize *n)
{
    *n = G_N_ELEMENTS(graphics_methods);
    return graphics_methods;
}
