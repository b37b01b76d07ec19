/* ovl_themes: the themes a show can switch between on air, by name: "default" (the --theme file,
 * or the built-in theme without one), every *.ini file of a theme folder under its file name
 * without ".ini", and the --theme file under its own such name too. All are read and checked when
 * the set is made, so that switching on air cannot fail; only which one is current changes.
 *
 * Threads: made, checked and switched (ovl_themes_select) on one thread (main);
 * ovl_themes_current() from any thread (card previews draw on worker threads). The current theme
 * is the one crossing, guarded by a mutex in ovl_themes.c; the themes themselves are immutable. */
#pragma once

#include <glib.h>

#include "ovl_theme.h"

G_BEGIN_DECLS

typedef struct OvlThemes OvlThemes;

/* The name of the theme used when none was chosen. */
#define OVL_THEMES_DEFAULT "default"

/* Longest theme name (the control protocol's limit). */
#define OVL_THEMES_NAME_MAX 32

/* Reads file (NULL: the built-in theme is "default") and every *.ini in dir (NULL: none; files
 * starting with '.' are skipped), replacing every theme's safe areas by safe when it is not NULL.
 * "default" is current. (transfer full) NULL with error set (JC_ERROR_INVALID) when a file is bad
 * (the message names the file and key, see ovl_theme_load()), dir cannot be read, a file's name
 * is not a theme name (letters, digits, '-' and '_', at most OVL_THEMES_NAME_MAX), or is
 * "default". */
OvlThemes *ovl_themes_new(const char *file, const char *dir, const OvlSafeArea *safe,
                          GError **error);

/* Checks that every theme leaves room for a card with a scannable QR code in a width x height
 * frame (ovl_renderer_check_theme()); FALSE with JC_ERROR_RENDER naming the first that does not.
 * Draws a card per theme on the calling thread: for start-up. */
gboolean ovl_themes_check(OvlThemes *themes, int width, int height, GError **error);

/* The names, "default" first, the others sorted; NULL-terminated. (transfer none) Fixed for the
 * set's life. */
const char *const *ovl_themes_names(OvlThemes *themes);

/* The theme called name, or NULL when there is none. (transfer none) Lives as long as themes. */
OvlTheme *ovl_themes_lookup(OvlThemes *themes, const char *name);

/* Makes the theme called name current; FALSE (nothing changes) when there is none. */
gboolean ovl_themes_select(OvlThemes *themes, const char *name);

/* The current theme. (transfer full) Any thread. */
OvlTheme *ovl_themes_current(OvlThemes *themes);

/* The current theme's name. (transfer full) Any thread. */
char *ovl_themes_current_name(OvlThemes *themes);

/* NULL is allowed. */
void ovl_themes_free(OvlThemes *themes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OvlThemes, ovl_themes_free)

G_END_DECLS
