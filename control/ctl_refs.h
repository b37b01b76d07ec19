/* ctl_refs: the signed reference an apply page carries ("SHOW.SIGNATURE"): which show was live
 * when the page was opened, so that a sign-up sent later still counts for that show.
 *
 * Main thread only. Owns the HMAC key, kept in the store (state "ref_key") so that pages
 * opened before a restart still attribute correctly. */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

typedef struct CtlRefs CtlRefs;

/* Loads the key from store (borrowed during the call), or makes and saves a new one.
 * (transfer full) */
CtlRefs *ctl_refs_new(CtlStore *store);
void ctl_refs_free(CtlRefs *refs);

/* The reference for a page of posting_id opened while show_id (0: none) was live.
 * (transfer full) */
char *ctl_refs_make(const CtlRefs *refs, gint64 posting_id, gint64 show_id);

/* The show a sign-up counts for: the reference's show when its signature is right, else
 * live_show (the current show if it is live, else 0). ref may be NULL. */
gint64 ctl_refs_signup_show(const CtlRefs *refs, gint64 posting_id, const char *ref,
                            gint64 live_show);

G_END_DECLS
