/* ctl_store_migrate: the schema steps and their application (PRAGMA user_version counts the
 * steps applied). Not installed; ctl_store.c and the store's tests include it.
 *
 * Threads: the caller's, on a connection it owns, before any other thread uses the file. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Applies every step not yet applied, in one transaction. A database from a newer jobcast (more
 * steps than this one knows) is refused with JC_ERROR_DB rather than misread; on any error
 * nothing changes. */
gboolean ctl_store_migrate(sqlite3 *db, GError **error);

/* For migration tests: creates a database at path with only the first `version` schema steps
 * applied (what an older jobcast left), and closes it. */
gboolean ctl_store_create_at_version(const char *path, guint version, GError **error);
/* The number of schema steps this jobcast applies (PRAGMA user_version after open). */
guint ctl_store_schema_version(void);

G_END_DECLS
