/* ctl_card_http: GET/POST /api/card.png and GET /api/postings/poster.png (see ctl_card_http.h).
 *
 * Main thread only, apart from the drawing: a PNG takes tens of milliseconds
 * (bench/bench-card.sh), so it runs on a GTask worker as a CtlPending. Main fills everything
 * but png/error before the task starts; the worker reads those and writes only png and error;
 * main reads them only in the done callback. At most CARDS_IN_FLIGHT_MAX at once (then 503). */
#include "ctl_card_http.h"

#include <string.h>

#include "ctl_postings.h"
#include "ctl_query.h"
#include "ctl_reply.h"
#include "jc_error.h"

#define CARDS_IN_FLIGHT_MAX 4 /* more at once: 503 (an editor sends one at a time) */
#define POSTERS_KEPT_MAX 64   /* public posters kept drawn; more: all are forgotten */

struct CtlCardDesk {
    CtlStore *store;      /* borrowed */
    CtlAccess *access;    /* borrowed */
    const CtlView *view;  /* borrowed */
    CtlStudio *studio;    /* borrowed: the current layout */
    CtlCardFunc fn;       /* may be NULL: 404 */
    gpointer fn_data;     /* immutable, outlives the desk (read on worker threads) */
    CtlPendingList cards; /* previews being drawn */
    GHashTable *posters;  /* owned: public posters drawn, gint64* posting id (owned) -> Kept* */
};

/* A public poster as drawn for one version of its posting. */
typedef struct {
    gint64 version;
    GBytes *png; /* owned */
} Kept;

static void kept_free(gpointer data)
{
    Kept *k = data;
    g_bytes_unref(k->png);
    g_free(k);
}

/* A card being drawn (the payload of its CtlPending). */
typedef struct {
    CtlCardFunc fn; /* with fn_data: copied from the desk (immutable, static data) */
    gpointer fn_data;
    CtlPosting *posting; /* owned */
    char *apply_url;     /* owned */
    char *layout;        /* owned */
    gboolean poster;     /* a poster to share: apply_url tagged ?src=poster */
    gboolean public;     /* the public poster: kept for the next viewer, cached by browsers */
    CtlCardDesk *desk;   /* borrowed, only while the pending is not orphaned: where to keep it */
    char *code_url;      /* owned, NULL unless poster */
    gint64 signups;
    GBytes *png;   /* worker's result (owned), or NULL with error */
    GError *error; /* worker's result (owned) */
} Card;

static void card_free(gpointer data)
{
    Card *t = data;
    ctl_posting_free(t->posting);
    g_free(t->apply_url);
    g_free(t->layout);
    g_free(t->code_url);
    g_clear_pointer(&t->png, g_bytes_unref);
    g_clear_error(&t->error);
    g_free(t);
}

CtlCardDesk *ctl_card_desk_new(CtlStore *store, CtlAccess *access, const CtlView *view,
                               CtlStudio *studio)
{
    CtlCardDesk *d = g_new0(CtlCardDesk, 1);
    d->store = store;
    d->access = access;
    d->view = view;
    d->studio = studio;
    d->posters = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, kept_free);
    return d;
}

void ctl_card_desk_free(CtlCardDesk *d)
{
    if (d == NULL)
        return;
    ctl_pending_list_orphan(&d->cards);
    g_hash_table_destroy(d->posters);
    g_free(d);
}

void ctl_card_desk_set_func(CtlCardDesk *d, CtlCardFunc fn, gpointer data)
{
    d->fn = fn;
    d->fn_data = data;
}

guint ctl_card_desk_in_flight(const CtlCardDesk *d)
{
    return ctl_pending_list_length(&d->cards);
}

static void card_worker(gpointer data)
{
    Card *t = data;
    CtlCardRequest req = {
        .posting = t->posting,
        .apply_url = t->apply_url,
        .signups = t->signups,
        .layout = t->layout,
        .poster = t->poster,
        .code_url = t->code_url,
    };
    t->png = t->fn(&req, t->fn_data, &t->error);
    if (t->png == NULL && t->error == NULL)
        g_set_error_literal(&t->error, JC_ERROR, JC_ERROR_RENDER, "the card was not drawn");
}

/* Keeps t's public poster for the next one who asks for that version. */
static void keep_poster(CtlCardDesk *d, const Card *t)
{
    if (g_hash_table_size(d->posters) >= POSTERS_KEPT_MAX)
        g_hash_table_remove_all(d->posters);
    Kept *k = g_new0(Kept, 1);
    k->version = t->posting->version;
    k->png = g_bytes_ref(t->png);
    g_hash_table_replace(d->posters, g_memdup2(&t->posting->id, sizeof(gint64)), k);
}

static void reply_public_poster(CtlSession *s, GBytes *png)
{
    ctl_reply_header(s, "cache-control:", "public, max-age=300");
    ctl_reply(s, 200, "image/png", g_bytes_ref(png));
}

static void card_done(CtlPending *p, gpointer data)
{
    Card *t = data;
    gboolean live = !ctl_pending_orphaned(p);
    CtlSession *s = ctl_pending_finish(p);
    if (live && t->public && t->png != NULL)
        keep_poster(t->desk, t);
    if (s == NULL)
        return;
    if (t->public && t->png != NULL) {
        reply_public_poster(s, t->png);
    } else if (t->png != NULL) {
        ctl_reply_header(s, "cache-control:", "no-store");
        if (t->poster) {
            g_autofree char *name = g_strdup_printf(
                "attachment; filename=\"poster-%" G_GINT64_FORMAT ".png\"", t->posting->id);
            ctl_reply_header(s, "content-disposition:", name);
        }
        ctl_reply(s, 200, "image/png", g_bytes_ref(t->png));
    } else {
        /* The overlay refused the words (e.g. a frame too small to read): the editor shows
         * the message. */
        ctl_reply_error(s, 422, "render", NULL, t->error->message);
    }
}

/* Starts drawing posting (transfer full) for s, as the card on air or as a poster; answers 503
 * when too many are in flight. */
static Card *card_start(CtlCardDesk *d, CtlSession *s, CtlPosting *posting, gint64 signups,
                        gboolean poster)
{
    if (ctl_pending_list_length(&d->cards) >= CARDS_IN_FLIGHT_MAX) {
        ctl_posting_free(posting);
        ctl_reply_header(s, "retry-after:", "1");
        ctl_reply_error(s, 503, "busy", NULL, "too many card previews at once");
        return NULL;
    }
    Card *t = g_new0(Card, 1);
    t->desk = d;
    t->fn = d->fn;
    t->fn_data = d->fn_data;
    t->posting = posting;
    t->apply_url = ctl_view_apply_url(d->view, posting->id);
    t->layout = g_strdup(ctl_studio_layout(d->studio));
    t->signups = signups;
    t->poster = poster;
    if (poster) {
        /* The poster's QR code says where its sign-ups came from (the funnel's source). */
        char *tagged = g_strconcat(t->apply_url, "?src=poster", NULL);
        g_free(t->apply_url);
        t->apply_url = tagged;
        t->code_url = ctl_view_code_url(d->view);
    }
    CtlPending *p = ctl_pending_new(t, card_free);
    ctl_pending_track(p, &d->cards);
    ctl_pending_wait(p, &s->http.waiting, s);
    ctl_pending_run(p, card_worker, card_done);
    return t;
}

static gint64 count_signups(CtlCardDesk *d, gint64 id)
{
    return MAX(ctl_store_count_signups(d->store, id, NULL), 0);
}

/* GET /api/card.png?posting_id=N: a saved posting's card, for producers and hosts. */
void ctl_card_get(CtlCardDesk *d, CtlSession *s)
{
    CtlWho who = ctl_access_request(d->access, s->wsi);
    if (!ctl_role_reads(who.role)) {
        ctl_reply_auth_needed(s, &who);
        return;
    }
    if (d->fn == NULL) {
        ctl_reply_error(s, 404, "not_found", NULL, "no card renderer");
        return;
    }
    g_autofree char *arg = ctl_query_arg(s->wsi, "posting_id");
    guint64 id = 0;
    if (arg == NULL || !g_ascii_string_to_unsigned(arg, 10, 1, G_MAXINT64, &id, NULL)) {
        ctl_reply_error(s, 400, "invalid", "posting_id", "posting_id: a positive integer");
        return;
    }
    CtlPosting *p = ctl_reply_posting_or_fail(d->store, s, (gint64)id, TRUE);
    if (p != NULL)
        card_start(d, s, p, count_signups(d, p->id), FALSE);
}

/* GET /api/postings/poster.png?posting_id=N: an open posting's poster to share, for producers.
 * No sign-up count on it: a poster lives on in chat groups long after the number changed. */
void ctl_card_poster_get(CtlCardDesk *d, CtlSession *s)
{
    CtlWho who = ctl_access_request(d->access, s->wsi);
    if (who.role != CTL_ROLE_PRODUCER) {
        ctl_reply_auth_needed(s, &who);
        return;
    }
    if (d->fn == NULL) {
        ctl_reply_error(s, 404, "not_found", NULL, "no card renderer");
        return;
    }
    g_autofree char *arg = ctl_query_arg(s->wsi, "posting_id");
    guint64 id = 0;
    if (arg == NULL || !g_ascii_string_to_unsigned(arg, 10, 1, G_MAXINT64, &id, NULL)) {
        ctl_reply_error(s, 400, "invalid", "posting_id", "posting_id: a positive integer");
        return;
    }
    CtlPosting *p = ctl_reply_posting_or_fail(d->store, s, (gint64)id, TRUE);
    if (p == NULL)
        return;
    if (p->archived) {
        ctl_posting_free(p);
        ctl_reply_error(s, 410, "closed", "posting_id",
                        "the posting is archived: it takes no sign-ups and has no code");
        return;
    }
    card_start(d, s, p, 0, TRUE);
}

/* The id in "ID/poster.png", or 0. */
static gint64 poster_id(const char *tail)
{
    guint64 id = 0;
    const char *slash = strchr(tail, '/');
    if (slash == NULL || g_ascii_strcasecmp(slash, "/poster.png") != 0 || slash - tail > 18)
        return 0;
    g_autofree char *digits = g_strndup(tail, (gsize)(slash - tail));
    if (!g_ascii_string_to_unsigned(digits, 10, 1, G_MAXINT64, &id, NULL))
        return 0;
    return (gint64)id;
}

void ctl_card_public_poster_get(CtlCardDesk *d, CtlSession *s, const char *tail)
{
    gint64 id = poster_id(tail);
    if (id <= 0 || d->fn == NULL) {
        ctl_reply_not_found(s);
        return;
    }
    CtlPosting *p = ctl_reply_posting_or_fail(d->store, s, id, FALSE);
    if (p == NULL)
        return;
    if (p->archived) {
        ctl_posting_free(p);
        ctl_reply_not_found(s);
        return;
    }
    const Kept *k = g_hash_table_lookup(d->posters, &id);
    if (k != NULL && k->version == p->version) {
        ctl_posting_free(p);
        reply_public_poster(s, k->png);
        return;
    }
    Card *t = card_start(d, s, p, 0, TRUE);
    if (t != NULL)
        t->public = TRUE;
}

/* The field an "invalid params" message names ("pay_max: must be >= pay_min"), or NULL.
 * (transfer full) */
static char *field_of(const char *message)
{
    const char *colon = strchr(message, ':');
    if (colon == NULL || colon == message || colon - message > 32)
        return NULL;
    for (const char *p = message; p < colon; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_')
            return NULL;
    }
    return g_strndup(message, (gsize)(colon - message));
}

/* Producers only; a request riding the session cookie must come from this server's own page
 * (Origin). FALSE after answering. */
static gboolean post_allowed(CtlCardDesk *d, CtlSession *s)
{
    CtlWho who = ctl_access_request(d->access, s->wsi);
    if (who.role != CTL_ROLE_PRODUCER) {
        ctl_reply_auth_needed(s, &who);
        return FALSE;
    }
    if (!who.bearer && !ctl_access_same_origin(s->wsi)) {
        ctl_reply_error(s, 403, "forbidden", NULL, "cross-origin request refused");
        return FALSE;
    }
    if (d->fn == NULL) {
        ctl_reply_error(s, 404, "not_found", NULL, "no card renderer");
        return FALSE;
    }
    if (s->http.too_large) {
        ctl_reply_error(s, 413, "too_large", NULL, "request body over 16384 bytes");
        return FALSE;
    }
    return TRUE;
}

/* POST /api/card.png: the producer's unsaved draft (a JSON object of posting fields as
 * postings.create takes them; with posting_id, over that saved posting). Invalid fields: 400
 * naming the field, exactly as postings.create would. */
void ctl_card_post(CtlCardDesk *d, CtlSession *s)
{
    if (!post_allowed(d, s))
        return;
    CtlHttpSession *h = &s->http;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    const char *body = h->body != NULL ? h->body->str : "";
    gsize len = h->body != NULL ? h->body->len : 0;
    if (ctl_json_shape(body, len, CTL_JSON_MAX_DEPTH) != CTL_JSON_PLAIN ||
        !json_parser_load_from_data(parser, body, (gssize)len, &error) ||
        json_parser_get_root(parser) == NULL ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        ctl_reply_error(s, 400, "invalid", NULL, "send a JSON object of posting fields");
        return;
    }
    JsonObject *fields = json_node_get_object(json_parser_get_root(parser));
    gint64 id = 0;
    if (!ctl_param_id(fields, "posting_id", TRUE, &id, &error)) {
        ctl_reply_error(s, 400, "invalid", "posting_id", error->message);
        return;
    }
    g_autoptr(CtlPosting) base = NULL;
    if (id > 0 && (base = ctl_reply_posting_or_fail(d->store, s, id, TRUE)) == NULL)
        return;
    CtlPosting *draft = ctl_posting_from_params(fields, base, &error);
    if (draft == NULL) {
        g_autofree char *field = field_of(error->message);
        ctl_reply_error(s, 400, "invalid", field, error->message);
        return;
    }
    draft->id = id;
    card_start(d, s, draft, id > 0 ? count_signups(d, id) : 0, FALSE);
}
