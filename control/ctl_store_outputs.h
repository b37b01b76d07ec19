/* ctl_store_outputs: the stored list of outputs (push destinations): what runs after a restart.
 *
 * Main thread only, on the store's main connection (small writes, like postings). Names and URIs
 * arrive checked by jc_output.h's rule; the schema checks the name again. Not responsible for
 * what runs now (the streamer) nor for who may see a URI (ctl_outputs.c). */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

typedef struct {
    char *name; /* owned */
    char *uri;  /* owned: with its stream key */
    gboolean enabled;
} CtlOutputRow;

void ctl_output_row_free(CtlOutputRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtlOutputRow, ctl_output_row_free)

/* Every stored output, in the order they were added. (transfer full) GPtrArray of
 * CtlOutputRow*, or NULL with error. */
GPtrArray *ctl_store_list_outputs(CtlStore *store, GError **error);

/* One output, or NULL with JC_ERROR_NOT_FOUND. (transfer full) */
CtlOutputRow *ctl_store_get_output(CtlStore *store, const char *name, GError **error);

/* Adds an output; JC_ERROR_CONFLICT when the name is taken (nothing changed). */
gboolean ctl_store_add_output(CtlStore *store, const char *name, const char *uri, gboolean enabled,
                              GError **error);

/* Sets output name's URI and enabled flag; JC_ERROR_NOT_FOUND when there is none. */
gboolean ctl_store_update_output(CtlStore *store, const char *name, const char *uri,
                                 gboolean enabled, GError **error);

/* Removes output name; JC_ERROR_NOT_FOUND when there is none. */
gboolean ctl_store_remove_output(CtlStore *store, const char *name, GError **error);

/* The command line's output at start: added (enabled) when there is none of that name, else its
 * URI replaced and its enabled flag kept (a producer's disable survives a restart). */
gboolean ctl_store_put_output(CtlStore *store, const char *name, const char *uri, GError **error);

G_END_DECLS
