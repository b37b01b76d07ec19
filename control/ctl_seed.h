/* ctl_seed: a store opened from a path and given the sample postings when empty, each checked
 * by the same validation as postings.create (ctl_posting_from_params).
 *
 * Main thread (the store's). Not responsible for the schema (ctl_store_migrate.c). */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

/* Inserts the postings of a JSON document {"postings": [...]} (the format of
 * data/postings.json) if the store has no postings. *inserted gets the count (0 if it had
 * some). The whole document is checked first: on a malformed document or posting nothing is
 * inserted and FALSE is returned with JC_ERROR_INVALID ("seed posting 3: title: ..."). */
gboolean ctl_seed_postings(CtlStore *store, const char *json, gsize len, guint *inserted,
                           GError **error);

/* The same with the sample postings compiled into jobcast (data/postings.json). */
gboolean ctl_seed_samples(CtlStore *store, guint *inserted, GError **error);

/* Creates the folder of path if missing (0700), opens the store there (creating and migrating
 * the database: ctl_store_open) and, when seed, seeds the sample postings into it if it has
 * none; *seeded gets how many were inserted. NULL with error set on failure (nothing is left
 * open). (transfer full: ctl_store_close) */
CtlStore *ctl_seed_open(const char *path, gboolean seed, guint *seeded, GError **error);

G_END_DECLS
