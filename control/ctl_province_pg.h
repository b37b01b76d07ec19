/* ctl_province_pg: the PostgreSQL side of the province link: the province's schema (created and
 * migrated by jobcast, its version in jobcast.schema_version), a market's link to one room, and
 * applying one batch of outbox rows exactly once. Not installed; ctl_province.c and the tests
 * include it.
 *
 * Threads: the caller's (the sync worker's); a PGconn is used by one thread at a time. Every
 * function is one PostgreSQL transaction: on failure it is rolled back and nothing changed.
 * Errors: JC_ERROR_DB for a failed connection or statement (retrying may help), JC_ERROR_CONFLICT
 * for what retrying cannot fix (a newer schema, a market linked to another room's database).
 * Messages come from libpq and the server as they are: the caller scrubs them of the URL's
 * secrets before showing them. Not responsible for connecting, retrying, or the room's SQLite. */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* The schema version this jobcast creates and reads. */
#define CTL_PG_SCHEMA_VERSION 2

/* Creates the schema `jobcast` or migrates it up to CTL_PG_SCHEMA_VERSION, under an advisory
 * lock (rooms starting together wait for each other). A newer version is refused
 * (JC_ERROR_CONFLICT) and left alone. */
gboolean ctl_pg_migrate(PGconn *pg, GError **error);

/* Links market (its name shown in the province) to the room room_id: the first room to link a
 * market owns it; another room's database is refused (JC_ERROR_CONFLICT), since its outbox
 * sequence would collide with the one the province holds. *shipped gets the market's
 * high-water mark: every outbox row up to it has been applied. */
gboolean ctl_pg_link(PGconn *pg, const char *market, const char *name, const char *room_id,
                     gint64 *shipped, GError **error);

/* Applies rows (a JSON array of {"seq", "kind", "ref_id", "payload", "at"}, in seq order, the
 * last one's seq being last) for market in one transaction: each row above the market's mark is
 * recorded in jobcast.applied (key: market, seq) and its effect applied to jobcast.signups, and
 * the mark moves to last. Rows at or below the mark are skipped, so applying a batch again (its
 * commit's answer was lost) changes nothing. *shipped gets the mark after it; *applied the rows
 * that were new. */
gboolean ctl_pg_apply(PGconn *pg, const char *market, const char *rows, gint64 last,
                      gint64 *shipped, guint *applied, GError **error);

G_END_DECLS
