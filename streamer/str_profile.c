/* str_profile: the fixed table of output profiles (size, frame rate, bit rates).
 *
 * Threads: any; the table is constant. */
#include "str_profile.h"

#include "jc_error.h"

static const StrProfile profiles[] = {
    {"720p30", 1280, 720, 30, 2500, 128},
    {"1080p30", 1920, 1080, 30, 4500, 128},
    {"720x1280", 720, 1280, 30, 2500, 128},
    {"1080x1920", 1080, 1920, 30, 4500, 128},
};

const StrProfile *str_profile_lookup(const char *name, GError **error)
{
    for (gsize i = 0; i < G_N_ELEMENTS(profiles); i++) {
        if (g_strcmp0(name, profiles[i].name) == 0) {
            return &profiles[i];
        }
    }
    GString *names = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(profiles); i++) {
        g_string_append_printf(names, "%s%s", i > 0 ? ", " : "", profiles[i].name);
    }
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "unknown profile '%s'; valid profiles: %s",
                name != NULL ? name : "(none)", names->str);
    g_string_free(names, TRUE);
    return NULL;
}

const char *str_profile_layout(const StrProfile *profile)
{
    return profile->height > profile->width ? "9:16" : "16:9";
}

const StrProfile *str_profile_for_layout(const StrProfile *profile, const char *layout)
{
    gboolean portrait = g_strcmp0(layout, "9:16") == 0;
    if (portrait == (profile->height > profile->width)) {
        return profile;
    }
    /* The same size class: the table's entry with width and height swapped. */
    for (gsize i = 0; i < G_N_ELEMENTS(profiles); i++) {
        if (profiles[i].width == profile->height && profiles[i].height == profile->width &&
            profiles[i].fps == profile->fps) {
            return &profiles[i];
        }
    }
    return profile;
}
