/* ctl_store_outbox: the province outbox (schema step 13, table province_outbox): turning it on
 * and off, a purge's mark, and the writer's statements for "shipped". Not installed; the store's
 * files and the sync worker (ctl_province.c) include it.
 *
 * A row is (seq, kind, ref_id, payload, created_at): seq grows with every row and is never used
 * twice (AUTOINCREMENT); kind says what changed; ref_id is the sign-up's id; created_at is when
 * the change committed in the room (for signup.created: the sign-up's own created_at). Rows are
 * appended by the schema's triggers, in the transaction of the change itself, whoever makes it
 * (the store writer's group commit, a withdrawal, `privacy.forget`, a purge), with payload NULL:
 * CTL_OUTBOX_ROWS_SQL builds each payload when the row is shipped:
 *   signup.created    signup_id, posting_id, posting_title, employer, show_id, name, phone,
 *                     consent_at, consent_version, created_at: read from the sign-up row, which
 *                     is never updated while it exists; a sign-up deleted before its creation
 *                     was shipped (or whose id a later sign-up took) ships signup_id only
 *   signup.withdrawn  signup_id only: no personal data travels with a deletion (a withdrawal, a
 *                     person's data forgotten on request, any delete not marked as a purge)
 *   signup.purged     signup_id only: the room's retention purge (the province keeps its own)
 *   posting.version   the posting as written (every field shown on the card, version, archived),
 *                     at every insert and every change of those fields
 *   asaired           the as-aired row (event, detail, the posting as shown)
 *   question          a viewer's question at every change (text, state, answer, on_air): it
 *                     keeps nothing of its asker
 *   signup.status     the back office's follow-up status of a sign-up (status, set_at), at every
 *                     change; never its note (free text about a person stays in the room)
 * (these four carry their payload from their trigger, since their rows change later). So the
 * outbox itself never holds a copy of a name or a phone number.
 *
 * A kind reserved for a next step (the same shape; a trigger with the same WHEN as step 13's):
 * funnel counts.
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

/* The sync worker's read: up to ?2 rows above seq ?1, in order, as (seq, kind, ref_id, payload,
 * created_at), every payload built (see above). */
#define CTL_OUTBOX_ROWS_SQL                                                                        \
    "SELECT o.seq, o.kind, o.ref_id, coalesce(o.payload, CASE WHEN o.kind = 'signup.created' "     \
    "THEN (SELECT json_object('signup_id', s.id, 'posting_id', s.posting_id, 'posting_title', "    \
    "p.title, 'employer', p.company, 'show_id', s.show_id, 'name', s.name, 'phone', s.phone, "     \
    "'consent_at', s.consent_at, 'consent_version', s.consent_version, 'created_at', "             \
    "s.created_at) FROM signups s JOIN postings p ON p.id = s.posting_id WHERE s.id = o.ref_id "   \
    "AND s.created_at = o.created_at) END, json_object('signup_id', o.ref_id)), o.created_at "     \
    "FROM province_outbox o WHERE o.seq > ?1 ORDER BY o.seq LIMIT ?2"

/* Turns the outbox on (the province link is configured) or off, for every connection, from the
 * next transaction on. Main thread, at start, before sign-ups flow. FALSE with error on a
 * database failure. */
gboolean ctl_store_set_outbox(CtlStore *store, gboolean on, GError **error);

/* Marks (on) or unmarks the open transaction on db as a retention purge: the deletes between
 * are shipped as signup.purged. Call both within one transaction or savepoint. */
gboolean ctl_outbox_purging(sqlite3 *db, gboolean on, GError **error);

G_END_DECLS
