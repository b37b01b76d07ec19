/* ctl_store_sources: the apply-page funnel by source, stored: page opens and sign-ups per
 * posting and source (stream, poster, code), kept across restarts.
 *
 * Main thread only, on the store's main connection. Like the funnel's, the counts arrive as
 * increments every few seconds (ctl_sources.c), in one transaction. */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

/* The sources, as the table spells them (ctl_sources.c counts by them). */
typedef enum {
    CTL_SOURCE_STREAM, /* no tag, or one we do not know: the QR code on air */
    CTL_SOURCE_POSTER, /* ?src=poster: the poster PNG's QR code */
    CTL_SOURCE_CODE,   /* ?src=code: the code page (/j) */
    CTL_SOURCE_N
} CtlSource;

/* The source a tag names ("stream", "poster", "code"; NULL or anything else: stream). */
CtlSource ctl_source_parse(const char *tag);
/* Its name, as the tag, the stats and the database spell it. (transfer none) */
const char *ctl_source_name(CtlSource src);

/* One posting's figures from one source. */
typedef struct {
    gint64 posting_id;
    CtlSource source;
    gint64 opens;
    gint64 signups;
} CtlSourceRow;

/* Every row stored. (transfer full) GArray of CtlSourceRow, NULL with error set. */
GArray *ctl_store_sources_load(CtlStore *store, GError **error);
/* Adds the increments in deltas (a GArray of CtlSourceRow) in one transaction; nothing on
 * failure. */
gboolean ctl_store_sources_add(CtlStore *store, GArray *deltas, GError **error);

G_END_DECLS
