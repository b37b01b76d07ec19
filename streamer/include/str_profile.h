/* str_profile: the program's output profiles (frame size, rate, bit rates), a fixed table.
 *
 * Threads: any; the table is constant. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    const char *name; /* "720p30", "1080p30", "720x1280", "1080x1920" */
    int width;
    int height;
    int fps;
    int video_kbps;
    int audio_kbps;
} StrProfile;

/* Looks up a profile by name. (transfer none) On an unknown name, NULL is returned with error
 * set (JC_ERROR_INVALID) listing the valid names. */
const StrProfile *str_profile_lookup(const char *name, GError **error);

/* The profile of profile's size class turned to layout: "9:16" gives the portrait one
 * (720p30 -> 720x1280, 1080p30 -> 1080x1920), anything else the landscape one; profile itself
 * when it already has that orientation. (transfer none) */
const StrProfile *str_profile_for_layout(const StrProfile *profile, const char *layout);

/* "9:16" for a portrait profile, "16:9" for a landscape one. (transfer none) */
const char *str_profile_layout(const StrProfile *profile);

G_END_DECLS
