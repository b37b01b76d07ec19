/* ctl_sources: where a viewer came to a posting's apply page from (the on-air QR code, a shared
 * poster, the code typed at /j), and the funnel's page opens and sign-ups counted by it.
 *
 * Main thread only. Owns the counts in memory and saves their increments to the store every
 * few seconds and when freed (a crash loses at most those seconds, like the funnel's opens).
 * A source is always one of three known names: whatever else a URL or a form says counts as
 * stream, so no text from outside is ever stored. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_store.h"
#include "ctl_store_sources.h"

G_BEGIN_DECLS

typedef struct CtlSources CtlSources;

/* Restores the counts from store (borrowed, outlives them) and starts saving them.
 * (transfer full) */
CtlSources *ctl_sources_new(CtlStore *store);
/* Saves what is unsaved and frees. NULL is allowed. */
void ctl_sources_free(CtlSources *s);

/* A counted page open / a committed sign-up of posting_id that came from src. */
void ctl_sources_count_open(CtlSources *s, gint64 posting_id, CtlSource src);
void ctl_sources_count_signup(CtlSources *s, gint64 posting_id, CtlSource src);

/* {"total":{"stream":{"opens":N,"signups":N},"poster":{...},"code":{...}},
 *  "by_posting":{"ID":{same three}}}. (transfer full) */
JsonNode *ctl_sources_json(CtlSources *s);

G_END_DECLS
