/* ctl_store_migrate: jobcast's schema as a list of steps, and bringing a database up to it.
 *
 * Threads: runs on the thread that opens the store, on its connection, before the writer thread
 * exists. Invariant: the steps are applied in order, in one transaction together with PRAGMA
 * user_version (the number applied so far), so a crash leaves either the old schema or the new
 * one. Not responsible for opening connections (ctl_store_sql.c) or for any data. */
#include "ctl_store_migrate.h"

#include "ctl_store_sql.h"
#include "jc_error.h"

/* Step 13's payloads of a posting version and of a question, as their triggers see NEW. */
#define POSTING_PAYLOAD                                                                            \
    "json_object('posting_id', NEW.id, 'version', NEW.version, 'title', NEW.title, 'company', "    \
    "NEW.company, 'pay_min', NEW.pay_min, 'pay_max', NEW.pay_max, 'pay_unit', NEW.pay_unit, "      \
    "'location', NEW.location, 'headcount', NEW.headcount, 'tags', json(NEW.tags), "               \
    "'requirements', NEW.requirements, 'archived', NEW.archived, 'updated_at', NEW.updated_at)"
#define QUESTION_PAYLOAD                                                                           \
    "json_object('question_id', NEW.id, 'posting_id', NEW.posting_id, 'text', NEW.text, "          \
    "'state', NEW.state, 'answer', NEW.answer, 'on_air', NEW.on_air, 'created_at', "               \
    "NEW.created_at, 'updated_at', NEW.updated_at)"

/* Schema steps, applied in order; PRAGMA user_version is the number applied so far. Append new
 * steps at the end; never edit one that has shipped. */
static const char *const migrations[] = {
    /* 1: postings, sign-ups, state. */
    "CREATE TABLE postings ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL CHECK (title <> ''),"
    "  company TEXT NOT NULL CHECK (company <> ''),"
    "  pay_min REAL NOT NULL CHECK (pay_min >= 0),"
    "  pay_max REAL NOT NULL CHECK (pay_max >= pay_min),"
    "  pay_unit TEXT NOT NULL CHECK (pay_unit IN ('hour', 'day', 'month', 'piece')),"
    "  location TEXT NOT NULL DEFAULT '',"
    "  headcount INTEGER NOT NULL CHECK (headcount >= 0),"
    "  tags TEXT NOT NULL DEFAULT '[]'," /* a JSON array of strings */
    "  requirements TEXT NOT NULL DEFAULT '',"
    "  talking_points TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  updated_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "));"
    "CREATE TABLE signups ("
    "  id INTEGER PRIMARY KEY,"
    "  posting_id INTEGER NOT NULL REFERENCES postings(id),"
    "  name TEXT NOT NULL,"
    "  phone TEXT NOT NULL,"
    "  consent_at TEXT," /* NULL when no consent was given */
    "  client_addr TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  UNIQUE (posting_id, phone));"
    "CREATE TABLE state ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);",

    /* 2: shows and their rundowns; posting versions (optimistic concurrency) and archiving;
     * sign-ups deduplicated per show (show_id 0: outside any show; the table is rebuilt
     * because SQLite cannot change a UNIQUE constraint in place); accounts; the append-only
     * as-aired log; the exports log. */
    "ALTER TABLE postings ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);"
    "ALTER TABLE postings ADD COLUMN archived INTEGER NOT NULL DEFAULT 0"
    "  CHECK (archived IN (0, 1));"
    "CREATE TABLE shows ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL CHECK (title <> ''),"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  started_at TEXT,"
    "  ended_at TEXT);"
    "CREATE TABLE rundown ("
    "  show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL CHECK (position >= 0),"
    "  posting_id INTEGER NOT NULL REFERENCES postings(id),"
    "  PRIMARY KEY (show_id, position),"
    "  UNIQUE (show_id, posting_id));"
    "CREATE TABLE signups_v2 ("
    "  id INTEGER PRIMARY KEY,"
    "  posting_id INTEGER NOT NULL REFERENCES postings(id),"
    "  show_id INTEGER NOT NULL DEFAULT 0," /* shows.id, or 0 outside any show */
    "  name TEXT NOT NULL,"
    "  phone TEXT NOT NULL,"
    "  consent_at TEXT,"
    "  client_addr TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  UNIQUE (posting_id, phone, show_id));"
    "INSERT INTO signups_v2 (id, posting_id, show_id, name, phone, consent_at, client_addr,"
    "  created_at) SELECT id, posting_id, 0, name, phone, consent_at, client_addr, created_at"
    "  FROM signups;"
    "DROP TABLE signups;"
    "ALTER TABLE signups_v2 RENAME TO signups;"
    "CREATE INDEX signups_by_show ON signups (show_id, posting_id);"
    "CREATE TABLE accounts ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
    "  role TEXT NOT NULL CHECK (role IN ('producer', 'host')),"
    "  password_hash TEXT,"     /* crypto_pwhash_str (argon2id); NULL: no password */
    "  token_hash TEXT UNIQUE," /* hex SHA-256 of the API token; NULL: no token */
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  updated_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  revoked_at TEXT);"
    "CREATE TABLE as_aired ("
    "  id INTEGER PRIMARY KEY,"
    "  aired_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  show_id INTEGER NOT NULL DEFAULT 0,"
    "  posting_id INTEGER NOT NULL,"
    "  posting_version INTEGER NOT NULL,"
    "  fields TEXT NOT NULL," /* the posting as shown, a JSON object */
    "  actor TEXT NOT NULL DEFAULT '');"
    "CREATE TRIGGER as_aired_no_update BEFORE UPDATE ON as_aired"
    "  BEGIN SELECT RAISE(ABORT, 'as_aired is append-only'); END;"
    "CREATE TRIGGER as_aired_no_delete BEFORE DELETE ON as_aired"
    "  BEGIN SELECT RAISE(ABORT, 'as_aired is append-only'); END;"
    "CREATE TABLE exports ("
    "  id INTEGER PRIMARY KEY,"
    "  exported_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  actor TEXT NOT NULL,"
    "  employer TEXT NOT NULL,"
    "  show_id INTEGER NOT NULL DEFAULT 0,"
    "  row_count INTEGER NOT NULL);",

    /* 3: the apply-page funnel per posting (opens, submits), kept across restarts; sign-up
     * counts per posting kept by triggers, so that the count shown after every sign-up is a
     * lookup, not a scan of that posting's sign-ups (which grows all show long). */
    "CREATE TABLE funnel ("
    "  posting_id INTEGER PRIMARY KEY,"
    "  opens INTEGER NOT NULL DEFAULT 0 CHECK (opens >= 0),"
    "  submits INTEGER NOT NULL DEFAULT 0 CHECK (submits >= 0));"
    "CREATE TABLE signup_counts ("
    "  posting_id INTEGER PRIMARY KEY,"
    "  n INTEGER NOT NULL CHECK (n >= 0));"
    "INSERT INTO signup_counts (posting_id, n)"
    "  SELECT posting_id, count(*) FROM signups GROUP BY posting_id;"
    "CREATE TRIGGER signup_counts_insert AFTER INSERT ON signups BEGIN"
    "  INSERT INTO signup_counts (posting_id, n) VALUES (NEW.posting_id, 1)"
    "    ON CONFLICT (posting_id) DO UPDATE SET n = n + 1;"
    "  END;"
    "CREATE TRIGGER signup_counts_delete AFTER DELETE ON signups BEGIN"
    "  UPDATE signup_counts SET n = n - 1 WHERE posting_id = OLD.posting_id;"
    "  END;"
    "CREATE TRIGGER signup_counts_update AFTER UPDATE OF posting_id ON signups BEGIN"
    "  UPDATE signup_counts SET n = n - 1 WHERE posting_id = OLD.posting_id;"
    "  INSERT INTO signup_counts (posting_id, n) VALUES (NEW.posting_id, 1)"
    "    ON CONFLICT (posting_id) DO UPDATE SET n = n + 1;"
    "  END;",

    /* 4: personal data (PIPL). The version of the consent text each sign-up agreed to (1: the
     * text before versions were recorded); the hash of the token that lets the person who made a
     * sign-up withdraw it (NULL: none was given out); an index for the per-phone daily limit and
     * for deleting a person's sign-ups. */
    "ALTER TABLE signups ADD COLUMN consent_version INTEGER;"
    "UPDATE signups SET consent_version = 1 WHERE consent_at IS NOT NULL;"
    "ALTER TABLE signups ADD COLUMN withdraw_hash TEXT;"
    "CREATE UNIQUE INDEX signups_by_withdraw ON signups (withdraw_hash)"
    "  WHERE withdraw_hash IS NOT NULL;"
    "CREATE INDEX signups_by_phone ON signups (phone, created_at);",

    /* 5: the as-aired log records more than takes (clear, slate on/off, program off air and
     * back, output up/down: `event`, with `detail` such as the output's name), and is read back
     * by show, day and posting (a scan: a year of daily shows is some 10^5 rows). Earlier rows
     * were all takes. */
    "ALTER TABLE as_aired ADD COLUMN event TEXT NOT NULL DEFAULT 'take';"
    "ALTER TABLE as_aired ADD COLUMN detail TEXT NOT NULL DEFAULT '';",

    /* 6: the overlay role (an OBS browser source that reads the picture's layers and nothing
     * else). SQLite cannot change a CHECK constraint in place; widening one changes nothing
     * stored, so the table's definition is edited rather than the table rebuilt (SQLite's own
     * procedure for such changes; migrate() then bumps the schema cookie). */
    "PRAGMA writable_schema = ON;"
    "UPDATE sqlite_schema SET sql = replace(sql,"
    "  'CHECK (role IN (''producer'', ''host''))',"
    "  'CHECK (role IN (''producer'', ''host'', ''overlay''))')"
    "  WHERE type = 'table' AND name = 'accounts';"
    "PRAGMA writable_schema = OFF;",

    /* 7: the outputs (push destinations), kept across restarts: a name (jc_output.h's rule, also
     * checked here), the URI with its stream key (the database is the operator's, like the
     * producer token's file), whether it runs; shown in the order they were added (id). */
    "CREATE TABLE outputs ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 32"
    "    AND name NOT GLOB '*[^a-z0-9-]*'),"
    "  uri TEXT NOT NULL CHECK (uri <> '' AND length(uri) <= 2048),"
    "  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  updated_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "));",

    /* 8: employers as records (a name and a contact), and every posting refers to one: the
     * postings there were get one employer per distinct company text, in order of their first
     * posting. postings.company stays, the employer's name as the card, the apply page and the
     * exports read it, kept equal to the record by these triggers within the writing statement:
     * a posting written with a company text refers to the employer of that name (made when there
     * is none), and a renamed employer renames its postings (each a new version, so an editor
     * holding the old one is told). */
    "CREATE TABLE employers ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 60),"
    "  contact_person TEXT NOT NULL DEFAULT '' CHECK (length(contact_person) <= 40),"
    "  contact_phone TEXT NOT NULL DEFAULT '' CHECK (length(contact_phone) <= 20),"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  updated_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "));"
    "INSERT INTO employers (name)"
    "  SELECT company FROM postings GROUP BY company ORDER BY min(id);"
    "ALTER TABLE postings ADD COLUMN employer_id INTEGER REFERENCES employers(id);"
    "UPDATE postings SET employer_id = (SELECT e.id FROM employers e"
    "  WHERE e.name = postings.company);"
    "CREATE INDEX postings_by_employer ON postings (employer_id);"
    "CREATE TRIGGER postings_employer_insert AFTER INSERT ON postings BEGIN"
    "  INSERT INTO employers (name) VALUES (NEW.company) ON CONFLICT (name) DO NOTHING;"
    "  UPDATE postings SET employer_id = (SELECT id FROM employers WHERE name = NEW.company)"
    "    WHERE id = NEW.id;"
    "  END;"
    "CREATE TRIGGER postings_employer_company AFTER UPDATE OF company ON postings BEGIN"
    "  INSERT INTO employers (name) VALUES (NEW.company) ON CONFLICT (name) DO NOTHING;"
    "  UPDATE postings SET employer_id = (SELECT id FROM employers WHERE name = NEW.company)"
    "    WHERE id = NEW.id;"
    "  END;"
    "CREATE TRIGGER employers_rename AFTER UPDATE OF name ON employers BEGIN"
    "  UPDATE postings SET company = NEW.name, version = version + 1,"
    "    updated_at = " CTL_NOW_SQL " WHERE employer_id = NEW.id;"
    "  END;",

    /* 9: viewers' questions about a posting (the live room's answering service): the text as
     * asked (1-120 characters, checked before and here), new until a producer approves, hides or
     * answers it; the producer's short answer; whether it is the one on air. The asker's
     * address is not stored: the per-address limit lives in memory for a minute. */
    "CREATE TABLE questions ("
    "  id INTEGER PRIMARY KEY,"
    "  posting_id INTEGER NOT NULL REFERENCES postings(id),"
    "  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 120),"
    "  state TEXT NOT NULL DEFAULT 'new'"
    "    CHECK (state IN ('new', 'approved', 'hidden', 'answered')),"
    "  answer TEXT NOT NULL DEFAULT '' CHECK (length(answer) <= 300),"
    "  on_air INTEGER NOT NULL DEFAULT 0 CHECK (on_air IN (0, 1)),"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  updated_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "));"
    "CREATE INDEX questions_by_posting ON questions (posting_id, id);",

    /* 10: an account's generation, one up with every change of its credentials (rotated token,
     * revocation, new password), whoever makes it: a running server ends the sessions and
     * connections opened under an older generation, also when the change came from another
     * process (`jobcast accounts` on the same database). The schema is read again first: when
     * step 6 ran in this same transaction, the connection still holds the accounts table as it
     * was parsed before step 6 edited its text, and ADD COLUMN would splice the new column into
     * that text at the old offset. */
    "PRAGMA writable_schema = RESET;"
    "ALTER TABLE accounts ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;",

    /* 11: the code a viewer types for a posting (岗位码: 4 digits, never 0000), unique among open
     * postings (an archived one keeps its code in the row, to get it back when reopened, but
     * another posting may take it). The open postings there were get distinct codes in order of
     * id (1000 + n * 4733 mod 9000 for the n-th: 4733 is prime to 9000, so the first 9000 differ;
     * later ones get theirs when reopened). The apply-page funnel by source (the on-air QR code
     * or no tag: stream; a shared poster: poster; typed at /j: code), page opens and sign-ups. */
    "ALTER TABLE postings ADD COLUMN code TEXT CHECK (code IS NULL OR (length(code) = 4"
    "  AND code NOT GLOB '*[^0-9]*' AND code <> '0000'));"
    "UPDATE postings SET code = printf('%04d', 1000 + (r.n * 4733) % 9000)"
    "  FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM postings"
    "    WHERE archived = 0) AS r"
    "  WHERE postings.id = r.id AND r.n <= 9000;"
    "CREATE UNIQUE INDEX postings_open_code ON postings (code) WHERE archived = 0;"
    "CREATE INDEX postings_by_code ON postings (code);"
    "CREATE TABLE funnel_sources ("
    "  posting_id INTEGER NOT NULL,"
    "  source TEXT NOT NULL CHECK (source IN ('stream', 'poster', 'code')),"
    "  opens INTEGER NOT NULL DEFAULT 0 CHECK (opens >= 0),"
    "  signups INTEGER NOT NULL DEFAULT 0 CHECK (signups >= 0),"
    "  PRIMARY KEY (posting_id, source));",

    /* 12: the back office. Each sign-up's follow-up status (received until someone sets another)
     * and its history, append-only: who set which status with which note, and when; a sign-up
     * deleted (withdrawn, purged, forgotten) takes its history with it, the only way a history
     * row goes. Employers' desk links, each a token's hash scoped to one employer, with its
     * expiry, revocation and use. A posting its employer closed from the desk (closed_at), and
     * whether its card shows the hires (show_hires). */
    "ALTER TABLE signups ADD COLUMN status TEXT NOT NULL DEFAULT 'received' CHECK (status IN"
    "  ('received', 'contacted', 'interviewed', 'hired', 'not_suitable'));"
    "CREATE INDEX signups_by_status ON signups (posting_id, status);"
    "CREATE TABLE signup_status ("
    "  id INTEGER PRIMARY KEY,"
    "  signup_id INTEGER NOT NULL,"
    "  posting_id INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN"
    "    ('received', 'contacted', 'interviewed', 'hired', 'not_suitable')),"
    "  note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),"
    "  actor TEXT NOT NULL CHECK (actor <> ''),"
    "  set_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "));"
    "CREATE INDEX signup_status_by_signup ON signup_status (signup_id, id);"
    "CREATE TRIGGER signup_status_current AFTER INSERT ON signup_status BEGIN"
    "  UPDATE signups SET status = NEW.status WHERE id = NEW.signup_id;"
    "  END;"
    "CREATE TRIGGER signup_status_no_update BEFORE UPDATE ON signup_status"
    "  BEGIN SELECT RAISE(ABORT, 'signup_status is append-only'); END;"
    "CREATE TRIGGER signup_status_no_delete BEFORE DELETE ON signup_status"
    "  WHEN EXISTS (SELECT 1 FROM signups WHERE id = OLD.signup_id)"
    "  BEGIN SELECT RAISE(ABORT, 'signup_status is append-only'); END;"
    "CREATE TRIGGER signups_status_gone AFTER DELETE ON signups BEGIN"
    "  DELETE FROM signup_status WHERE signup_id = OLD.id;"
    "  END;"
    "ALTER TABLE postings ADD COLUMN closed_at TEXT;"
    "ALTER TABLE postings ADD COLUMN show_hires INTEGER NOT NULL DEFAULT 0"
    "  CHECK (show_hires IN (0, 1));"
    "CREATE TABLE employer_links ("
    "  id INTEGER PRIMARY KEY,"
    "  employer_id INTEGER NOT NULL,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "),"
    "  expires_at TEXT NOT NULL,"
    "  revoked_at TEXT,"
    "  last_used_at TEXT,"
    "  uses INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX employer_links_by_employer ON employer_links (employer_id, id);"
    "CREATE TRIGGER employers_links_gone AFTER DELETE ON employers BEGIN"
    "  DELETE FROM employer_links WHERE employer_id = OLD.id;"
    "  END;",

    /* 13: the province outbox (ctl_store_outbox.h): every change the province needs, appended
     * by these triggers in the transaction of the change itself while the province link is on
     * (state key province.outbox = 'on', set at every start), shipped in seq order by the sync
     * worker and deleted once the province has it. AUTOINCREMENT: a seq is never used twice, not
     * even after the rows before it were shipped and deleted (the province keys what it applied
     * by market and seq). ref_id is the sign-up's id; created_at its creation's time for
     * signup.created, which tells it from a later sign-up that took the same id. payload NULL:
     * the worker builds it when shipping, from the sign-up row (never updated while it exists),
     * so the outbox keeps no copy of a name or phone and a sign-up deleted before it left ships
     * without them. A delete is a withdrawal unless a retention purge marked its transaction in
     * province_purging (a row inserted and deleted again within that transaction). Posting
     * versions, as-aired rows and questions (no personal data: a question keeps nothing of its
     * asker) carry their payload as they were, since the rows change later. */
    "CREATE TABLE province_outbox ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind TEXT NOT NULL CHECK (kind <> ''),"
    "  ref_id INTEGER NOT NULL,"
    "  payload TEXT," /* a JSON object, or NULL: built when shipped */
    "  created_at TEXT NOT NULL DEFAULT (" CTL_NOW_SQL "));"
    "CREATE TABLE province_purging (since TEXT);"
    "CREATE TRIGGER province_signup_created AFTER INSERT ON signups"
    "  WHEN (SELECT value FROM state WHERE key = 'province.outbox') = 'on' BEGIN"
    "  INSERT INTO province_outbox (kind, ref_id, created_at)"
    "    VALUES ('signup.created', NEW.id, NEW.created_at);"
    "  END;"
    "CREATE TRIGGER province_signup_deleted AFTER DELETE ON signups"
    "  WHEN (SELECT value FROM state WHERE key = 'province.outbox') = 'on' BEGIN"
    "  INSERT INTO province_outbox (kind, ref_id) VALUES ("
    "    CASE WHEN EXISTS (SELECT 1 FROM province_purging) THEN 'signup.purged'"
    "      ELSE 'signup.withdrawn' END, OLD.id);"
    "  END;"
    "CREATE TRIGGER province_posting_created AFTER INSERT ON postings"
    "  WHEN (SELECT value FROM state WHERE key = 'province.outbox') = 'on' BEGIN"
    "  INSERT INTO province_outbox (kind, ref_id, payload) VALUES ('posting.version', NEW.id,"
    "    " POSTING_PAYLOAD ");"
    "  END;"
    "CREATE TRIGGER province_posting_changed AFTER UPDATE OF title, company, pay_min, pay_max,"
    "  pay_unit, location, headcount, tags, requirements, talking_points, version, archived"
    "  ON postings"
    "  WHEN (SELECT value FROM state WHERE key = 'province.outbox') = 'on' BEGIN"
    "  INSERT INTO province_outbox (kind, ref_id, payload) VALUES ('posting.version', NEW.id,"
    "    " POSTING_PAYLOAD ");"
    "  END;"
    "CREATE TRIGGER province_asaired AFTER INSERT ON as_aired"
    "  WHEN (SELECT value FROM state WHERE key = 'province.outbox') = 'on' BEGIN"
    "  INSERT INTO province_outbox (kind, ref_id, payload, created_at) VALUES ('asaired', NEW.id,"
    "    json_object('asaired_id', NEW.id, 'aired_at', NEW.aired_at, 'show_id', NEW.show_id,"
    "      'posting_id', NEW.posting_id, 'posting_version', NEW.posting_version,"
    "      'event', NEW.event, 'detail', NEW.detail, 'fields', json(NEW.fields)),"
    "    NEW.aired_at);"
    "  END;"
    "CREATE TRIGGER province_question_created AFTER INSERT ON questions"
    "  WHEN (SELECT value FROM state WHERE key = 'province.outbox') = 'on' BEGIN"
    "  INSERT INTO province_outbox (kind, ref_id, payload) VALUES ('question', NEW.id,"
    "    " QUESTION_PAYLOAD ");"
    "  END;"
    "CREATE TRIGGER province_question_changed AFTER UPDATE OF text, state, answer, on_air"
    "  ON questions"
    "  WHEN (SELECT value FROM state WHERE key = 'province.outbox') = 'on' BEGIN"
    "  INSERT INTO province_outbox (kind, ref_id, payload) VALUES ('question', NEW.id,"
    "    " QUESTION_PAYLOAD ");"
    "  END;",

    /* 14: a sign-up's follow-up status travels to the province too (so its registry counts
     * hires), in the transaction that sets it, like every outbox row: the status and when, never
     * the note (free text an employer typed about a person stays in the room). */
    "CREATE TRIGGER province_signup_status AFTER INSERT ON signup_status"
    "  WHEN (SELECT value FROM state WHERE key = 'province.outbox') = 'on' BEGIN"
    "  INSERT INTO province_outbox (kind, ref_id, payload, created_at) VALUES ('signup.status',"
    "    NEW.signup_id, json_object('status', NEW.status, 'set_at', NEW.set_at), NEW.set_at);"
    "  END;",
};

/* Adds one to the schema cookie, so that every connection reads the schema again: a step that
 * edits sqlite_schema itself (step 6) changes no cookie of its own. */
static gboolean bump_schema_cookie(sqlite3 *db, GError **error)
{
    gint64 cookie = 0;
    if (!ctl_sql_query_int64(db, "PRAGMA schema_version", &cookie, "reading the schema cookie",
                             error)) {
        return FALSE;
    }
    g_autofree char *sql = g_strdup_printf("PRAGMA schema_version = %" G_GINT64_FORMAT, cookie + 1);
    return ctl_sql_exec(db, sql, "setting the schema cookie", error);
}

/* Applies the steps of migrations[] not yet applied, all in one transaction together with the
 * new user_version, so a crash leaves either the old schema or the new one. A database from a
 * newer jobcast (more steps than we know) is refused rather than misread. */
static gboolean migrate(sqlite3 *db, gint64 latest, GError **error)
{
    gint64 version = 0;

    if (!ctl_sql_exec(db, "BEGIN IMMEDIATE", "starting the migration", error)) {
        return FALSE;
    }
    if (!ctl_sql_query_int64(db, "PRAGMA user_version", &version, "reading the schema version",
                             error)) {
        goto fail;
    }
    if (version > latest) {
        g_set_error(error, JC_ERROR, JC_ERROR_DB,
                    "the database has schema version %" G_GINT64_FORMAT
                    ", newer than this jobcast knows (%" G_GINT64_FORMAT ")",
                    version, (gint64)G_N_ELEMENTS(migrations));
        goto fail;
    }
    for (gint64 v = version; v < latest; v++) {
        if (!ctl_sql_exec(db, migrations[v], "applying a schema migration", error)) {
            goto fail;
        }
    }
    if (version < latest && !bump_schema_cookie(db, error)) {
        goto fail;
    }
    if (version < latest) {
        g_autofree char *sql = g_strdup_printf("PRAGMA user_version = %" G_GINT64_FORMAT, latest);
        if (!ctl_sql_exec(db, sql, "setting the schema version", error)) {
            goto fail;
        }
    }
    if (!ctl_sql_exec(db, "COMMIT", "committing the migration", error)) {
        goto fail;
    }
    return TRUE;

fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

gboolean ctl_store_migrate(sqlite3 *db, GError **error)
{
    return migrate(db, G_N_ELEMENTS(migrations), error);
}

gboolean ctl_store_create_at_version(const char *path, guint version, GError **error)
{
    sqlite3 *db;
    gboolean ok;

    g_return_val_if_fail(version <= G_N_ELEMENTS(migrations), FALSE);
    db = ctl_sql_connect(path, error);
    if (db == NULL) {
        return FALSE;
    }
    ok = ctl_sql_enable_wal(db, error) && migrate(db, version, error);
    sqlite3_close(db);
    return ok;
}

guint ctl_store_schema_version(void)
{
    return G_N_ELEMENTS(migrations);
}
