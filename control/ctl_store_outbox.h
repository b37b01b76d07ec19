/* ctl_store_outbox: the province outbox (schema step 13, table province_outbox): turning it on
 * and off, a purge's mark, and the writer's statements for "shipped". Not installed; the store's
 * files and the sync worker (ctl_province.c) include it.
 *
 * A row is (seq, kind, ref_id, payload, created_at): seq grows with every row and is never used
 * twice (AUTOINCREMENT); kind says what changed; ref_id is the sign-up's id; payload is a JSON
 * object with what the province needs; created_at is when the change committed in the room.
 * Rows are appended by the schema's triggers, in the transaction of the change itself, whoever
 * makes it (the store writer's group commit, a withdrawal, `privacy.forget`, a purge):
 *   signup.created    signup_id, posting_id, posting_title, employer, show_id, name, phone,
 *                     consent_at, consent_version, created_at
 *   signup.withdrawn  signup_id only: no personal data travels with a deletion (a withdrawal, a
 *                     person's data forgotten on request, any delete not marked as a purge)
 *   signup.purged     signup_id only: the room's retention purge (the province keeps its own)
 * When a sign-up is deleted before its signup.created row was shipped, that row loses its name
 * and phone in the same transaction, so no copy of them outlives the sign-up here.
 *
 * Kinds reserved for the next steps (the same shape; ref_id the changed row's id; a trigger of
 * the step that adds the table, with the same WHEN as step 13's): signup.status (the back
 * office's follow-up status of a sign-up), posting.version, asaired, question.
 *
 * Threads: the functions take the store or connection they write on, on its owner's thread. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "ctl_store.h"

G_BEGIN_DECLS

/* The state keys: whether the triggers append (value "on"), and how far the province has the
 * rows (the decimal seq; written by the store writer only, never lowered). */
#define CTL_OUTBOX_ON_KEY "province.outbox"
#define CTL_OUTBOX_SHIPPED_KEY "province.shipped"

/* The store writer's statements for "the province has every row up to ?1": the mark, and the
 * rows it covers deleted. */
#define CTL_OUTBOX_MARK_SQL                                                                        \
    "INSERT INTO state (key, value) VALUES ('" CTL_OUTBOX_SHIPPED_KEY "', ?1) "                    \
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value "                                      \
    "WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER)"
#define CTL_OUTBOX_PRUNE_SQL "DELETE FROM province_outbox WHERE seq <= ?1"

/* Turns the outbox on (the province link is configured) or off, for every connection, from the
 * next transaction on. Main thread, at start, before sign-ups flow. FALSE with error on a
 * database failure. */
gboolean ctl_store_set_outbox(CtlStore *store, gboolean on, GError **error);

/* Marks (on) or unmarks the open transaction on db as a retention purge: the deletes between
 * are shipped as signup.purged. Call both within one transaction or savepoint. */
gboolean ctl_outbox_purging(sqlite3 *db, gboolean on, GError **error);

G_END_DECLS
