/* jc_card_preview: a job card as the program will show it, drawn by the overlay's own card code
 * (ovl_card_render) and flattened into a PNG for the producer's editor and preview monitor.
 *
 * Threads: pure functions, callable from any thread (control calls them on a worker thread,
 * never on main); the caller must have called gst_init(). */
#pragma once

#include <glib.h>

#include "ctl_control.h"
#include "ovl_scene.h"
#include "ovl_theme.h"
#include "ovl_themes.h"
#include "str_pipeline.h"

G_BEGIN_DECLS

/* The frame size a card preview is drawn at: the profile's (width x height) turned to match
 * layout ("9:16" portrait, anything else landscape). */
void jc_card_preview_size(int profile_width, int profile_height, const char *layout, int *width,
                          int *height);

/* card drawn for a width x height frame by ovl_card_render_themed() in theme (NULL: built-in;
 * read only: a theme is immutable) (card, QR, counter), composed onto a transparent frame and
 * encoded as PNG. NULL with error set when the overlay refuses it (JC_ERROR_RENDER /
 * JC_ERROR_INVALID) or encoding fails. (transfer full) */
GBytes *jc_card_preview_png(const OvlCardSpec *card, const OvlTheme *theme, int width, int height,
                            GError **error);

/* The same for a posting not saved yet, which has no apply URL: the card is laid out with
 * card->apply_url (any URL about as long as the real one will be, so the words sit where they
 * will), but where its QR code goes a blank square saying 保存后生成二维码 is drawn instead, so
 * nobody can scan a code that opens the wrong page. (transfer full) */
GBytes *jc_card_preview_draft_png(const OvlCardSpec *card, const OvlTheme *theme, int width,
                                  int height, GError **error);

#define JC_POSTER_WIDTH 1080
#define JC_POSTER_HEIGHT 1920

/* A poster to share in chat groups (9:16, JC_POSTER_WIDTH x JC_POSTER_HEIGHT): card drawn by
 * ovl_card_render_themed() in theme (NULL: built-in) in the middle of the poster, with a band
 * on top (直播带岗 · 扫码报名, and 岗位码 card->code when there is one) and under it how to sign
 * up, by scanning or by typing the code at code_url (may be NULL: not said). PNG; NULL with
 * error set when the overlay refuses the card. (transfer full) */
GBytes *jc_card_preview_poster_png(const OvlCardSpec *card, const OvlTheme *theme,
                                   const char *code_url, GError **error);

/* What GET/POST /api/card.png asks for (control's CtlCardFunc): req's posting as the director
 * maps it to a card (a draft, id 0, without a QR code), in the themes' current theme, at
 * profile's size turned to req's layout; for GET /api/postings/poster.png (req->poster), its
 * poster (jc_card_preview_poster_png). Reads only its arguments; profile and themes must
 * outlive the call. (transfer full) or NULL with error set. */
GBytes *jc_card_preview_request(const CtlCardRequest *req, const StrProfile *profile,
                                OvlThemes *themes, GError **error);

G_END_DECLS
