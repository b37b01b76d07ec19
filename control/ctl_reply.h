/* ctl_reply: composing an HTTP response into a session (status, headers, body) for
 * ctl_http.c to write: JSON, HTML pages, redirects, text, the compiled-in static files.
 *
 * Main thread only. Composing asks lws for a writeable callback; nothing is written here. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_session.h"
#include "ctl_store.h"

G_BEGIN_DECLS

#define CTL_HTML_TYPE "text/html; charset=utf-8"
#define CTL_JSON_TYPE "application/json; charset=utf-8"

/* Adds a response header (name with its ':'). */
void ctl_reply_header(CtlSession *s, const char *name, const char *value);
/* Sets the response (body: transfer full, may be NULL) and asks for a writeable callback. */
void ctl_reply(CtlSession *s, guint status, const char *content_type, GBytes *body);
/* An HTML page (transfer full), not cached, with the pages' Content-Security-Policy. */
void ctl_reply_html(CtlSession *s, guint status, char *html);
/* A small page with a heading and one paragraph. */
void ctl_reply_message(CtlSession *s, guint status, const char *heading, const char *message);
/* JSON (node: transfer full), not cached. */
void ctl_reply_json(CtlSession *s, guint status, JsonNode *node);
/* {"error":{"code":..., "field":..., "message":...}} (field NULL is sent as null). */
void ctl_reply_error(CtlSession *s, guint status, const char *code, const char *field,
                     const char *message);
/* 303 to location. */
void ctl_reply_redirect(CtlSession *s, const char *location);
/* Text (transfer full), not cached. */
void ctl_reply_text(CtlSession *s, guint status, const char *type, char *text);
/* The viewer's 404 page. */
void ctl_reply_not_found(CtlSession *s);
/* 429 with Retry-After (the client is locked out: who->retry_after), 401 (no or wrong
 * credentials) or 403 (not a producer) as JSON. */
void ctl_reply_auth_needed(CtlSession *s, const CtlWho *who);
/* Retry-After: seconds, and the 429 page saying to wait. */
void ctl_reply_locked_out(CtlSession *s, guint retry_after);
/* Serves /jobcast/web/NAME; only plain names with a known type (no '/', no leading '.'). */
void ctl_reply_resource(CtlSession *s, const char *name);
/* The same for a signed-in page (or the sign-in page): never shown in a frame of any site
 * (Content-Security-Policy frame-ancestors 'none', X-Frame-Options: DENY). */
void ctl_reply_private_page(CtlSession *s, const char *name);

/* The posting id (transfer full), or NULL after answering 404 (or 500 when the store failed),
 * as JSON or as a page. */
CtlPosting *ctl_reply_posting_or_fail(CtlStore *store, CtlSession *s, gint64 id, gboolean json);

/* An archived posting takes nothing from viewers: 410, JSON or the closed page (which links the
 * open postings of store). */
void ctl_reply_posting_closed(CtlSession *s, CtlStore *store, const CtlPosting *p, gboolean json);

G_END_DECLS
