/* ovl_card: the job card's layout and drawing (pango + cairo; the QR symbol is ovl_card_qr.c's)
 * into overlay rectangles.
 *
 * Threads: runs on whichever thread calls ovl_card_render() (the render worker); Pango's default
 * cairo font map is per thread, so calls on different threads share nothing.
 *
 * Layout rules, in this order:
 * 1. Everything stays inside the safe area (the theme's, ovl_theme_safe_area): the card is anchored
 * to the safe area's bottom-left corner and grows upwards.
 * 2. The QR code is drawn with whole-pixel modules of at least ovl_card_min_module_px(), a
 *    4-module white quiet zone and no anti-aliasing. When even the minimum does not fit, the card
 *    is refused (JC_ERROR_RENDER) rather than drawn unscannable.
 * 3. Each text sits in its own box with a fixed width and a maximum number of lines; longer text
 *    is ellipsized, so no text ever reaches the QR code or another text.
 * 4. User text reaches Pango through pango_layout_set_text() only, never markup.
 * Landscape puts the QR beside the words; portrait (narrow safe area) puts it under them. The
 * posting's code to type (岗位码) goes with the call to action, in its size or as near as fits.
 *
 * Not responsible for: choosing what is on air, or blending (the streamer does that). */
#include "ovl_card.h"

#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "jc_error.h"
#include "ovl_card_qr.h"
#include "ovl_theme.h"

#define TAB_TEXT "正在招聘"
#define CTA_TEXT "扫码报名"
#define CODE_TEXT "岗位码"

/* Sizes in pixels for a 720-line frame; scaled by the frame's shorter side / 720. */
enum {
    PAD_X = 24,
    PAD_Y = 18,
    ACCENT_W = 8,
    TAB_H = 36,
    TAB_PAD_X = 16,
    TAB_FONT = 20,
    TITLE_FONT = 42,
    EMPLOYER_FONT = 24,
    PAY_FONT = 36,
    BADGE_FONT = 22,
    BADGE_PAD_X = 14,
    BADGE_H = 38,
    PLACE_FONT = 24,
    PIN_W = 22,
    CTA_FONT = 30,
    CTA_H = 48,
    CTA_PAD_X = 22,
    CODE_FONT_MIN = 20,
    GAP = 8,
    COL_GAP = 28,
    LANDSCAPE_PANEL_W = 900,
    LANDSCAPE_QR = 200,
    PORTRAIT_QR = 250,
    MIN_TEXT_W = 260,
};

typedef struct {
    PangoLayout *layout; /* owned; NULL when the element is hidden */
    int x, y;            /* top-left of the layout in card coordinates */
} Text;

/* Everything decided about one card before any pixel is drawn. */
typedef struct {
    const OvlTheme *t; /* borrowed: colours, fonts, radius, safe area */
    double s;          /* scale: the frame's shorter side / 720 */
    gboolean below;    /* QR under the words (portrait) instead of beside them */
    OvlRect safe;
    OvlRect card;   /* frame coordinates */
    int tab_w;      /* the "正在招聘" tab on the panel's top-left */
    int panel_y;    /* the panel below the tab, card coordinates */
    QRcode *qr;     /* owned; NULL without an apply URL */
    int module_px;  /* 0 without QR */
    int qr_x, qr_y; /* card coordinates of the QR rectangle (quiet zone included) */
    int qr_side;    /* pixels */
    int cta_x, cta_y, cta_w, cta_h;
    int pin_x, pin_y; /* centre of the place marker's circle, card coordinates */
    int rule_y;       /* portrait: the hairline between words and QR; 0 for none */
    Text tab;
    Text text[OVL_CARD_N_TEXTS];
} Card;

static int px(const Card *c, double v)
{
    return (int)lround(v * c->s);
}

static void card_clear_texts(Card *c)
{
    g_clear_object(&c->tab.layout);
    for (int i = 0; i < OVL_CARD_N_TEXTS; i++)
        g_clear_object(&c->text[i].layout);
}

static void card_clear(Card *c)
{
    card_clear_texts(c);
    g_clear_pointer(&c->qr, QRcode_free);
}

static gboolean empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

int ovl_card_min_module_px(int width, int height)
{
    return MIN(width, height) >= 1080 ? 8 : 5;
}

void ovl_card_safe_area(int width, int height, OvlRect *safe)
{
    ovl_theme_safe_area(NULL, width, height, safe);
}

/* A layout in the card's font, size px pixels, wrapped into width (or unbounded when width
 * <= 0) and cut to max_lines with an ellipsis. Text goes in as plain text, never markup. */
static PangoLayout *new_text(PangoContext *pc, const char *family, const char *text, int size,
                             gboolean bold, int width, int max_lines)
{
    PangoLayout *layout = pango_layout_new(pc);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(fd, (double)size * PANGO_SCALE);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(layout, width * PANGO_SCALE);
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
        pango_layout_set_height(layout, -MAX(max_lines, 1));
    }
    if (max_lines > 1)
        pango_layout_set_line_spacing(layout, 0.82f);
    pango_layout_set_single_paragraph_mode(layout, TRUE);
    pango_layout_set_text(layout, text, -1);
    return layout;
}

static int text_width(PangoLayout *layout)
{
    PangoRectangle logical;
    pango_layout_get_pixel_extents(layout, NULL, &logical);
    return logical.width;
}

static int text_height(PangoLayout *layout)
{
    PangoRectangle logical;
    pango_layout_get_pixel_extents(layout, NULL, &logical);
    return logical.height;
}

/* Lays out the words in a column of width w starting at (x, y) in card coordinates and returns
 * the column's height. */
static int layout_words(Card *c, PangoContext *pc, const OvlCardSpec *spec, int x, int y, int w)
{
    int top = y;
    Text *t = c->text;

    if (!empty(spec->title)) {
        t[OVL_CARD_TITLE] =
            (Text){new_text(pc, c->t->title_font, spec->title, px(c, TITLE_FONT), TRUE, w, 2), x,
                   y - px(c, 2)};
        y += text_height(t[OVL_CARD_TITLE].layout) - px(c, 2);
    }
    if (!empty(spec->employer)) {
        t[OVL_CARD_EMPLOYER] = (Text){
            new_text(pc, c->t->font, spec->employer, px(c, EMPLOYER_FONT), FALSE, w, 1), x, y};
        y += text_height(t[OVL_CARD_EMPLOYER].layout) + px(c, GAP / 2);
    }

    /* Pay and headcount share a row; the badge keeps its size and the pay gives way. */
    int row_h = 0;
    int badge_w = 0;
    if (spec->headcount > 0) {
        g_autofree char *words = g_strdup_printf("招聘 %d 人", spec->headcount);
        PangoLayout *badge = new_text(pc, c->t->font, words, px(c, BADGE_FONT), TRUE, 0, 1);
        badge_w = text_width(badge) + 2 * px(c, BADGE_PAD_X);
        if (badge_w > w) {
            pango_layout_set_width(badge, (w - 2 * px(c, BADGE_PAD_X)) * PANGO_SCALE);
            pango_layout_set_ellipsize(badge, PANGO_ELLIPSIZE_END);
            badge_w = w;
        }
        t[OVL_CARD_HEADCOUNT] = (Text){badge, 0, 0};
        row_h = px(c, BADGE_H);
    }
    if (!empty(spec->pay)) {
        int pay_w = badge_w > 0 ? w - badge_w - px(c, 16) : w;
        if (pay_w > px(c, 60)) {
            PangoLayout *pay = new_text(pc, c->t->font, spec->pay, px(c, PAY_FONT), TRUE, pay_w, 1);
            t[OVL_CARD_PAY] = (Text){pay, x, y};
            row_h = MAX(row_h, text_height(pay));
        }
    }
    if (row_h > 0) {
        if (t[OVL_CARD_PAY].layout != NULL)
            t[OVL_CARD_PAY].y = y + (row_h - text_height(t[OVL_CARD_PAY].layout)) / 2;
        if (t[OVL_CARD_HEADCOUNT].layout != NULL) {
            PangoLayout *badge = t[OVL_CARD_HEADCOUNT].layout;
            int bx = t[OVL_CARD_PAY].layout != NULL
                         ? x + text_width(t[OVL_CARD_PAY].layout) + px(c, 16)
                         : x;
            t[OVL_CARD_HEADCOUNT].x = bx + px(c, BADGE_PAD_X);
            t[OVL_CARD_HEADCOUNT].y = y + (row_h - text_height(badge)) / 2;
        }
        y += row_h + px(c, GAP / 2);
    }

    if (!empty(spec->place)) {
        int indent = px(c, PIN_W) + px(c, 8);
        PangoLayout *place = new_text(pc, c->t->font, spec->place, px(c, PLACE_FONT), FALSE,
                                      w - indent, c->below ? 2 : 1);
        t[OVL_CARD_PLACE] = (Text){place, x + indent, y};
        PangoLayoutIter *iter = pango_layout_get_iter(place);
        PangoRectangle line;
        pango_layout_iter_get_line_extents(iter, NULL, &line);
        pango_layout_iter_free(iter);
        c->pin_x = x + px(c, PIN_W) / 2;
        c->pin_y = y + PANGO_PIXELS(line.y + line.height / 2) - px(c, 4);
        y += text_height(place);
    }
    return y - top;
}

/* Moves the words down by dy, to centre them beside a taller QR column. */
static void shift_words(Card *c, int dy)
{
    for (int i = 0; i < OVL_CARD_N_TEXTS; i++) {
        if (i != OVL_CARD_CTA && i != OVL_CARD_CODE)
            c->text[i].y += dy;
    }
    c->pin_y += dy;
}

/* The inner box of the panel: where the words start, how wide, how tall. */
typedef struct {
    int x, y, w, h;
} Box;

/* "岗位码 1024" in the call to action's size, or smaller down to CODE_FONT_MIN to fit max_w;
 * NULL when there is no code or it does not fit even then (the card goes on air without it
 * rather than not at all). The digits in the pay's colour. (transfer full) */
static PangoLayout *code_text(Card *c, PangoContext *pc, const char *code, int max_w)
{
    if (empty(code))
        return NULL;
    g_autofree char *words = g_strdup_printf(CODE_TEXT " %s", code);
    for (int size = CTA_FONT; size >= CODE_FONT_MIN; size -= 2) {
        PangoLayout *layout = new_text(pc, c->t->font, words, px(c, size), TRUE, 0, 1);
        if (text_width(layout) <= max_w) {
            PangoAttrList *attrs = pango_attr_list_new();
            Rgb gold = c->t->pay;
            PangoAttribute *digits = pango_attr_foreground_new(
                (guint16)(gold.r * 65535), (guint16)(gold.g * 65535), (guint16)(gold.b * 65535));
            digits->start_index = (guint)strlen(CODE_TEXT " ");
            digits->end_index = (guint)strlen(words);
            pango_attr_list_insert(attrs, digits);
            pango_layout_set_attributes(layout, attrs);
            pango_attr_list_unref(attrs);
            return layout;
        }
        g_object_unref(layout);
    }
    return NULL;
}

/* Places the QR, its call to action and the posting's code (may be NULL) around the words
 * (inner: the words' box; its h becomes the panel's inner height). FALSE when they do not fit. */
static gboolean place_qr(Card *c, PangoContext *pc, const char *code, Box *inner, int panel_w)
{
    int words_h = inner->h;
    c->text[OVL_CARD_CTA].layout = new_text(pc, c->t->font, CTA_TEXT, px(c, CTA_FONT), TRUE, 0, 1);
    int cta_text_w = text_width(c->text[OVL_CARD_CTA].layout);
    c->cta_h = px(c, CTA_H);
    Text *k = &c->text[OVL_CARD_CODE];
    if (c->below) {
        /* Words, a hairline, then the QR with the call to action and the code beside it. */
        c->cta_w = cta_text_w + 2 * px(c, CTA_PAD_X);
        int side_w = inner->w - c->qr_side - px(c, COL_GAP);
        if (c->cta_w > side_w)
            return FALSE;
        k->layout = code_text(c, pc, code, side_w);
        int block_h = c->cta_h + (k->layout != NULL ? px(c, GAP) + text_height(k->layout) : 0);
        c->rule_y = inner->y + words_h + px(c, PAD_Y);
        c->qr_x = inner->x;
        c->qr_y = c->rule_y + px(c, PAD_Y);
        c->cta_x = c->qr_x + c->qr_side + px(c, COL_GAP);
        c->cta_y = c->qr_y + (c->qr_side - block_h) / 2;
        k->x = c->cta_x;
        inner->h = c->qr_y + c->qr_side - inner->y;
    } else {
        /* The QR, the call to action and the code under it form a column on the right. */
        c->cta_w = c->qr_side;
        if (cta_text_w + 2 * px(c, 6) > c->cta_w)
            return FALSE;
        k->layout = code_text(c, pc, code, c->qr_side);
        int col_h = c->qr_side + px(c, GAP) + c->cta_h;
        if (k->layout != NULL)
            col_h += px(c, GAP) + text_height(k->layout);
        inner->h = MAX(words_h, col_h);
        c->qr_x = panel_w - px(c, PAD_X) - c->qr_side;
        c->qr_y = inner->y + (inner->h - col_h) / 2;
        c->cta_x = c->qr_x;
        c->cta_y = c->qr_y + c->qr_side + px(c, GAP);
        if (k->layout != NULL)
            k->x = c->qr_x + (c->qr_side - text_width(k->layout)) / 2;
        shift_words(c, (inner->h - words_h) / 2);
    }
    Text *cta = &c->text[OVL_CARD_CTA];
    cta->x = c->cta_x + (c->cta_w - cta_text_w) / 2;
    cta->y = c->cta_y + (c->cta_h - text_height(cta->layout)) / 2;
    k->y = c->cta_y + c->cta_h + px(c, GAP);
    return TRUE;
}

/* Tries one QR module size; on success every position in c is set. */
static gboolean try_layout(Card *c, PangoContext *pc, const OvlCardSpec *spec, int module_px)
{
    card_clear_texts(c);
    c->tab = (Text){new_text(pc, c->t->font, TAB_TEXT, px(c, TAB_FONT), TRUE, 0, 1), 0, 0};
    c->tab_w = text_width(c->tab.layout) + 2 * px(c, TAB_PAD_X);
    c->tab.x = px(c, TAB_PAD_X);
    c->tab.y = (px(c, TAB_H) - text_height(c->tab.layout)) / 2;
    c->panel_y = px(c, TAB_H);

    int panel_w = c->below ? c->safe.width : MIN(c->safe.width, px(c, LANDSCAPE_PANEL_W));
    int inner_x = px(c, ACCENT_W) + px(c, PAD_X);
    int inner_w = panel_w - inner_x - px(c, PAD_X);
    int inner_y = c->panel_y + px(c, PAD_Y);
    int words_w = inner_w;

    c->module_px = module_px;
    c->qr_side = c->qr != NULL ? ovl_qr_side(c->qr, module_px) : 0;
    if (c->qr != NULL && !c->below)
        words_w = inner_w - c->qr_side - px(c, COL_GAP);
    if (words_w < px(c, MIN_TEXT_W))
        return FALSE;

    int words_h = layout_words(c, pc, spec, inner_x, inner_y, words_w);
    int inner_h = words_h;
    c->rule_y = 0;
    if (c->qr != NULL) {
        Box inner = {inner_x, inner_y, inner_w, words_h};
        if (!place_qr(c, pc, spec->code, &inner, panel_w))
            return FALSE;
        inner_h = inner.h;
    }

    int card_h = c->panel_y + px(c, PAD_Y) + inner_h + px(c, PAD_Y);
    if (card_h > c->safe.height || c->tab_w > panel_w)
        return FALSE;
    c->card = (OvlRect){c->safe.x, c->safe.y + c->safe.height - card_h, panel_w, card_h};
    return TRUE;
}

/* A Pango context that only measures (the rectangles get their own surfaces later), with the
 * card's font options and zh-cn shapes. (transfer full) */
static PangoContext *measure_context(void)
{
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    PangoContext *pc = pango_cairo_create_context(cr); /* keeps no reference to cr */
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_language(pc, pango_language_from_string("zh-cn"));
    return pc;
}

static gboolean layout_card(Card *c, const OvlCardSpec *spec, int width, int height, GError **error)
{
    c->s = MIN(width, height) / 720.0;
    c->below = height > width;
    ovl_theme_safe_area(c->t, width, height, &c->safe);

    if (!empty(spec->apply_url)) {
        c->qr = ovl_qr_encode(spec->apply_url);
        if (c->qr == NULL) {
            g_set_error(error, JC_ERROR, JC_ERROR_RENDER,
                        "cannot encode the apply link as a QR "
                        "code (too long?)");
            return FALSE;
        }
    }

    PangoContext *pc = measure_context();

    gboolean ok = FALSE;
    int min_px = ovl_card_min_module_px(width, height);
    /* Text needs room too: on frames under 0.3 of 720 lines no word is readable on a phone. */
    if (c->s >= 0.3) {
        if (c->qr == NULL) {
            ok = try_layout(c, pc, spec, 0);
        } else {
            int target = px(c, c->below ? PORTRAIT_QR : LANDSCAPE_QR);
            int best = MAX(min_px, target / (c->qr->width + 2 * OVL_QR_QUIET_MODULES));
            for (int m = best; m >= min_px && !ok; m--)
                ok = try_layout(c, pc, spec, m);
        }
    }
    g_object_unref(pc);

    if (!ok && c->qr != NULL)
        g_set_error(error, JC_ERROR, JC_ERROR_RENDER,
                    "a %dx%d frame is too small for the card and a scannable QR code: its safe "
                    "area (%dx%d px) has no room for QR modules of %d px",
                    width, height, c->safe.width, c->safe.height, min_px);
    else if (!ok)
        g_set_error(error, JC_ERROR, JC_ERROR_RENDER,
                    "a %dx%d frame is too small for the card (safe area %dx%d px)", width, height,
                    c->safe.width, c->safe.height);
    return ok;
}

static void set_rgb(cairo_t *cr, Rgb c, double alpha)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

/* A rectangle path with per-corner radii: top-left, top-right, bottom-right, bottom-left. */
static void rounded_rect(cairo_t *cr, double x, double y, double w, double h, double tl, double tr,
                         double br, double bl)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - tr, y + tr, tr, -G_PI / 2, 0);
    cairo_arc(cr, x + w - br, y + h - br, br, 0, G_PI / 2);
    cairo_arc(cr, x + bl, y + h - bl, bl, G_PI / 2, G_PI);
    cairo_arc(cr, x + tl, y + tl, tl, G_PI, 3 * G_PI / 2);
    cairo_close_path(cr);
}

static void show_text(cairo_t *cr, const Text *t, Rgb colour)
{
    if (t->layout == NULL)
        return;
    set_rgb(cr, colour, 1.0);
    cairo_move_to(cr, t->x, t->y);
    pango_cairo_update_layout(cr, t->layout);
    pango_cairo_show_layout(cr, t->layout);
}

/* A map pin: a circle that narrows to a point, with a hole. */
static void draw_pin(cairo_t *cr, const Card *c)
{
    double r = 7.0 * c->s;
    double cx = c->pin_x;
    double cy = c->pin_y;
    cairo_new_path(cr);
    cairo_move_to(cr, cx, cy + 2.2 * r);
    cairo_arc(cr, cx, cy, r, G_PI * 5 / 6, G_PI * 13 / 6);
    cairo_close_path(cr);
    cairo_new_sub_path(cr);
    cairo_arc_negative(cr, cx, cy, r * 0.42, 2 * G_PI, 0);
    cairo_close_path(cr);
    set_rgb(cr, c->t->accent, 1.0);
    cairo_fill(cr);
}

static void draw_card(cairo_t *cr, const void *data)
{
    const Card *c = data;
    double w = c->card.width;
    double h = c->card.height;
    const OvlTheme *t = c->t;
    double r = (double)lround(t->radius * c->s);
    double py = c->panel_y;

    /* The panel, square at the top-left where the tab continues it. */
    cairo_pattern_t *grad = cairo_pattern_create_linear(0, py, 0, h);
    cairo_pattern_add_color_stop_rgba(grad, 0, t->panel_top.r, t->panel_top.g, t->panel_top.b,
                                      t->panel_alpha);
    cairo_pattern_add_color_stop_rgba(grad, 1, t->panel_bottom.r, t->panel_bottom.g,
                                      t->panel_bottom.b, t->panel_alpha);
    rounded_rect(cr, 0, py, w, h - py, 0, r, r, r);
    cairo_set_source(cr, grad);
    cairo_fill(cr);
    cairo_pattern_destroy(grad);

    /* The accent: a tab on top and a bar down the left edge, one L-shaped stroke of colour. */
    rounded_rect(cr, 0, 0, c->tab_w, py + 1, r * 0.6, r * 0.6, 0, 0);
    rounded_rect(cr, 0, py, px(c, ACCENT_W), h - py, 0, 0, 0, r);
    set_rgb(cr, t->accent, 1.0);
    cairo_fill(cr);
    show_text(cr, &c->tab, t->text);

    show_text(cr, &c->text[OVL_CARD_TITLE], t->text);
    show_text(cr, &c->text[OVL_CARD_EMPLOYER], t->muted);
    show_text(cr, &c->text[OVL_CARD_PAY], t->pay);

    const Text *badge = &c->text[OVL_CARD_HEADCOUNT];
    if (badge->layout != NULL) {
        double bh = px(c, BADGE_H);
        double bw = text_width(badge->layout) + 2 * px(c, BADGE_PAD_X);
        double by = badge->y + text_height(badge->layout) / 2.0 - bh / 2;
        double lw = MAX(1.0, round(2 * c->s));
        rounded_rect(cr, badge->x - px(c, BADGE_PAD_X) + lw / 2, by + lw / 2, bw - lw, bh - lw,
                     bh / 2, bh / 2, bh / 2, bh / 2);
        set_rgb(cr, t->chip, 0.22);
        cairo_fill_preserve(cr);
        set_rgb(cr, t->chip, 1.0);
        cairo_set_line_width(cr, lw);
        cairo_stroke(cr);
        show_text(cr, badge, t->text);
    }

    if (c->text[OVL_CARD_PLACE].layout != NULL) {
        draw_pin(cr, c);
        show_text(cr, &c->text[OVL_CARD_PLACE], t->text);
    }

    if (c->rule_y > 0) {
        double lw = MAX(1.0, round(c->s));
        cairo_rectangle(cr, px(c, ACCENT_W) + px(c, PAD_X), c->rule_y,
                        w - px(c, ACCENT_W) - 2 * px(c, PAD_X), lw);
        set_rgb(cr, t->text, 0.18);
        cairo_fill(cr);
    }

    if (c->qr != NULL) {
        double cr_r = px(c, 10);
        if (c->below) {
            /* A speech-bubble pointer from the call to action towards the QR. */
            double tip = px(c, 14);
            double mid = c->cta_y + c->cta_h / 2.0;
            cairo_move_to(cr, c->cta_x - tip, mid);
            cairo_line_to(cr, c->cta_x + 1, mid - tip);
            cairo_line_to(cr, c->cta_x + 1, mid + tip);
            cairo_close_path(cr);
        }
        rounded_rect(cr, c->cta_x, c->cta_y, c->cta_w, c->cta_h, cr_r, cr_r, cr_r, cr_r);
        set_rgb(cr, t->cta, 1.0);
        cairo_fill(cr);
        show_text(cr, &c->text[OVL_CARD_CTA], t->text);
        show_text(cr, &c->text[OVL_CARD_CODE], t->text);
    }
}

static void draw_qr(cairo_t *cr, const void *data)
{
    const Card *c = data;
    ovl_qr_paint(cr, c->qr, c->module_px);
}

/* A premultiplied ARGB32 (BGRA in memory on little-endian) buffer of w x h, drawn by draw and
 * wrapped as an overlay rectangle at (x, y). */
static GstVideoOverlayRectangle *
draw_rectangle(int x, int y, int w, int h, void (*draw)(cairo_t *, const void *), const void *data)
{
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(surface);
    draw(cr, data);
    cairo_destroy(cr);
    GstVideoOverlayRectangle *rect = ovl_theme_rectangle(surface, x, y);
    cairo_surface_destroy(surface);
    return rect;
}

static void fill_layout(const Card *c, OvlCardLayout *out)
{
    memset(out, 0, sizeof(*out));
    out->safe = c->safe;
    out->card = c->card;
    if (c->qr != NULL) {
        out->qr = (OvlRect){c->card.x + c->qr_x, c->card.y + c->qr_y, c->qr_side, c->qr_side};
        out->qr_module_px = c->module_px;
        out->qr_modules = c->qr->width;
    }
    for (int i = 0; i < OVL_CARD_N_TEXTS; i++) {
        const Text *t = &c->text[i];
        if (t->layout == NULL)
            continue;
        PangoRectangle logical;
        pango_layout_get_pixel_extents(t->layout, NULL, &logical);
        out->text[i].box = (OvlRect){c->card.x + t->x + logical.x, c->card.y + t->y + logical.y,
                                     logical.width, logical.height};
        out->text[i].n_chars = pango_layout_get_character_count(t->layout);
        out->text[i].ellipsized = pango_layout_is_ellipsized(t->layout);
    }
    int gap = px(c, GAP);
    out->counter_slot = (OvlRect){c->card.x + c->tab_w + gap, c->card.y,
                                  MAX(0, c->card.width - c->tab_w - gap), c->panel_y};
}

/* The sign-up counter: a second tab on the card's top edge, dark like the panel, white words
 * and a gold number. */
typedef struct {
    const OvlTheme *t;
    double s;
    int w, h;
    PangoLayout *layout;
} Counter;

static void draw_counter(cairo_t *cr, const void *data)
{
    const Counter *k = data;
    double r = k->t->radius * k->s * 0.6;
    rounded_rect(cr, 0, 0, k->w, k->h + 1, r, r, 0, 0);
    set_rgb(cr, k->t->panel_top, k->t->panel_alpha);
    cairo_fill(cr);
    Text t = {k->layout, (int)lround(TAB_PAD_X * k->s), (k->h - text_height(k->layout)) / 2};
    show_text(cr, &t, k->t->text);
}

GstVideoOverlayRectangle *ovl_card_render_counter(const OvlCardLayout *layout, int count, int width,
                                                  int height)
{
    return ovl_card_render_counter_themed(layout, NULL, count, width, height);
}

GstVideoOverlayRectangle *ovl_card_render_counter_themed(const OvlCardLayout *layout,
                                                         const OvlTheme *theme, int count,
                                                         int width, int height)
{
    return ovl_card_render_counter_hires(layout, theme, count, -1, width, height);
}

GstVideoOverlayRectangle *ovl_card_render_counter_hires(const OvlCardLayout *layout,
                                                        const OvlTheme *theme, int count, int hires,
                                                        int width, int height)
{
    g_return_val_if_fail(layout != NULL, NULL);
    if (theme == NULL)
        theme = ovl_theme_default();
    const OvlRect *slot = &layout->counter_slot;
    if (count <= 0 || slot->width <= 0 || slot->height <= 0)
        return NULL;
    Card scale = {.s = MIN(width, height) / 720.0};
    g_autofree char *number = g_strdup_printf("%d", count);
    g_autofree char *text = hires >= 0
                                ? g_strdup_printf("已有 %s 人报名 · 已招 %d 人", number, hires)
                                : g_strdup_printf("已有 %s 人报名", number);
    PangoContext *pc = measure_context();
    Counter k = {.t = theme, .s = scale.s, .h = slot->height};
    k.layout = new_text(pc, theme->font, text, px(&scale, TAB_FONT), TRUE, 0, 1);
    g_object_unref(pc);
    /* The number in gold: its bytes follow "已有 " (7 bytes of UTF-8). */
    PangoAttrList *attrs = pango_attr_list_new();
    PangoAttribute *gold =
        pango_attr_foreground_new((guint16)(theme->pay.r * 65535), (guint16)(theme->pay.g * 65535),
                                  (guint16)(theme->pay.b * 65535));
    gold->start_index = (guint)strlen("已有 ");
    gold->end_index = gold->start_index + (guint)strlen(number);
    pango_attr_list_insert(attrs, gold);
    pango_layout_set_attributes(k.layout, attrs);
    pango_attr_list_unref(attrs);

    k.w = text_width(k.layout) + 2 * px(&scale, TAB_PAD_X);
    GstVideoOverlayRectangle *rect = NULL;
    if (k.w <= slot->width)
        rect = draw_rectangle(slot->x + slot->width - k.w, slot->y, k.w, k.h, draw_counter, &k);
    g_object_unref(k.layout);
    /* No room for the hires too: the count alone, as without them. */
    if (rect == NULL && hires >= 0)
        return ovl_card_render_counter_hires(layout, theme, count, -1, width, height);
    return rect;
}

GstVideoOverlayComposition *ovl_card_render(const OvlCardSpec *spec, int width, int height,
                                            OvlCardLayout *layout, GError **error)
{
    return ovl_card_render_themed(spec, NULL, width, height, layout, error);
}

GstVideoOverlayComposition *ovl_card_render_themed(const OvlCardSpec *spec, const OvlTheme *theme,
                                                   int width, int height, OvlCardLayout *layout,
                                                   GError **error)
{
    if (spec == NULL || width <= 0 || height <= 0 || width > 16384 || height > 16384) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "no card or a bad frame size %dx%d", width,
                    height);
        return NULL;
    }

    Card c = {.t = theme != NULL ? theme : ovl_theme_default()};
    if (!layout_card(&c, spec, width, height, error)) {
        card_clear(&c);
        return NULL;
    }

    GstVideoOverlayRectangle *card =
        draw_rectangle(c.card.x, c.card.y, c.card.width, c.card.height, draw_card, &c);
    GstVideoOverlayComposition *comp = gst_video_overlay_composition_new(card);
    gst_video_overlay_rectangle_unref(card);
    if (c.qr != NULL) {
        GstVideoOverlayRectangle *qr =
            draw_rectangle(c.card.x + c.qr_x, c.card.y + c.qr_y, c.qr_side, c.qr_side, draw_qr, &c);
        gst_video_overlay_composition_add_rectangle(comp, qr);
        gst_video_overlay_rectangle_unref(qr);
    }
    OvlCardLayout local;
    OvlCardLayout *out = layout != NULL ? layout : &local;
    fill_layout(&c, out);
    GstVideoOverlayRectangle *counter =
        ovl_card_render_counter_themed(out, c.t, spec->signups, width, height);
    if (counter != NULL) {
        gst_video_overlay_rectangle_get_render_rectangle(counter, &out->counter.x, &out->counter.y,
                                                         (guint *)&out->counter.width,
                                                         (guint *)&out->counter.height);
        gst_video_overlay_composition_add_rectangle(comp, counter);
        gst_video_overlay_rectangle_unref(counter);
    }
    card_clear(&c);
    return comp;
}

/* The characters of text the fonts lack, each once, or NULL when none. (transfer full) */
static char *missing_glyphs(PangoContext *pc, const char *text)
{
    GString *missing = NULL;
    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (g_unichar_isspace(ch))
            continue;
        char one[8] = {0};
        g_unichar_to_utf8(ch, one);
        if (missing != NULL && strstr(missing->str, one) != NULL)
            continue;
        PangoLayout *layout = new_text(pc, OVL_FONT_FAMILY, one, 24, FALSE, 0, 1);
        int unknown = pango_layout_get_unknown_glyphs_count(layout);
        g_object_unref(layout);
        if (unknown > 0) {
            if (missing == NULL)
                missing = g_string_new(NULL);
            g_string_append(missing, one);
        }
    }
    return missing != NULL ? g_string_free(missing, FALSE) : NULL;
}

gboolean ovl_card_check_glyphs(const OvlCardSpec *spec, GError **error)
{
    g_return_val_if_fail(spec != NULL, FALSE);
    const struct {
        const char *name, *text;
    } fields[] = {
        {"title", spec->title},
        {"employer", spec->employer},
        {"pay", spec->pay},
        {"place", spec->place},
    };
    PangoContext *pc = measure_context();
    GString *report = NULL;
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (empty(fields[i].text))
            continue;
        g_autofree char *missing = missing_glyphs(pc, fields[i].text);
        if (missing == NULL)
            continue;
        if (report == NULL)
            report = g_string_new("no glyph in the fonts for");
        else
            g_string_append_c(report, ';');
        g_string_append_printf(report, " %s \"%s\"", fields[i].name, missing);
    }
    g_object_unref(pc);
    if (report == NULL)
        return TRUE;
    g_set_error_literal(error, JC_ERROR, JC_ERROR_RENDER, report->str);
    g_string_free(report, TRUE);
    return FALSE;
}
