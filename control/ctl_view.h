/* ctl_view: postings as the protocol and the pages show them: JSON with pay_text, apply_url
 * and the sign-up count, and the apply URL itself.
 *
 * Main thread only (reads the store's main connection). Owns only the public base URL. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_store.h"
#include "ctl_store_employers.h"

G_BEGIN_DECLS

typedef struct CtlView CtlView;

/* store: borrowed, outlives the view. public_url: base of apply links, no trailing slash.
 * (transfer full) */
CtlView *ctl_view_new(CtlStore *store, const char *public_url);
void ctl_view_free(CtlView *v);

/* PUBLIC_URL, the base of every public link (no trailing slash). (transfer none) */
const char *ctl_view_public_url(const CtlView *v);
/* PUBLIC_URL/a/ID. (transfer full) */
char *ctl_view_apply_url(const CtlView *v, gint64 posting_id);
/* PUBLIC_URL/j, where a viewer types a posting's code. (transfer full) */
char *ctl_view_code_url(const CtlView *v);
/* PUBLIC_URL/a/ID/poster.png, the posting's public poster (its Open Graph image). (transfer
 * full) */
char *ctl_view_poster_url(const CtlView *v, gint64 posting_id);
/* A posting with pay_text, apply_url and its sign-up count. (transfer full) */
JsonNode *ctl_view_posting_json(const CtlView *v, const CtlPosting *p);

/* An employer as the protocol shows it (the Employer object). (transfer full) */
JsonNode *ctl_view_employer_json(const CtlEmployerRow *row);
/* The same, or a JSON null for NULL. (transfer full) */
JsonNode *ctl_view_posting_or_null(const CtlView *v, const CtlPosting *p);
/* Every posting (not archived), as an array; NULL with error set. (transfer full) */
JsonNode *ctl_view_postings_json(const CtlView *v, GError **error);
/* {"posting": POSTING}. (transfer full) */
JsonNode *ctl_view_posting_result(const CtlView *v, const CtlPosting *p);

G_END_DECLS
