/* Employers as records: a posting refers to one; the postings of an older database get one
 * employer per distinct company text with every sign-up kept; employers.* over a real control
 * server on 127.0.0.1 and a real store (create, pick by id, a new company text makes one, a
 * rename reaches the postings, the card on air and an editor holding the old version); and, as
 * /security/employers/..., a host that tries to read or change them and producers sending bad
 * values, which change nothing. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_control.h"
#include "ctl_store.h"
#include "ctl_store_migrate.h"
#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "employers-producer-token"
#define HOST_TOKEN "employers-host-token-0123"

typedef struct {
    CtlTestControl t;
    CtlTestWs *ws;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    ctl_test_control_open(&f->t);
    ctl_test_add_account(f->t.store, "anchor", "host", HOST_TOKEN);
    CtlControlConfig cfg = {.producer_token = TOKEN};
    ctl_test_control_start(&f->t, &cfg);
    f->ws = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " TOKEN);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_ws_free(f->ws);
    ctl_test_control_close(&f->t);
}

/* The result of a call that must succeed. (transfer none: lives with *keep) */
static JsonObject *ok(CtlTestWs *w, const char *method, const char *params, JsonNode **keep)
{
    *keep = ctl_test_ws_call(w, method, params);
    JsonObject *o = json_node_get_object(*keep);
    if (json_object_has_member(o, "error"))
        g_error("%s: %s", method, json_to_string(*keep, FALSE));
    return json_object_get_object_member(o, "result");
}

/* The error code of a call that must fail; *message its message (transfer full, may be NULL). */
static gint64 refused(CtlTestWs *w, const char *method, const char *params, char **message)
{
    g_autoptr(JsonNode) reply = ctl_test_ws_call(w, method, params);
    JsonObject *o = json_node_get_object(reply);
    if (!json_object_has_member(o, "error"))
        g_error("%s %s was accepted: %s", method, params, json_to_string(reply, FALSE));
    JsonObject *e = json_object_get_object_member(o, "error");
    if (message != NULL)
        *message = g_strdup(json_object_get_string_member(e, "message"));
    return json_object_get_int_member(e, "code");
}

static gint64 db_int(Fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    g_autofree char *path = g_build_filename(f->t.dir, "jobcast.db", NULL);
    g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    gint64 v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The next notification called method, skipping others. (transfer full) */
static JsonNode *next_event(CtlTestWs *w, const char *method)
{
    for (;;) {
        JsonNode *m = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(m);
        if (g_strcmp0(json_object_get_string_member_with_default(o, "method", ""), method) == 0)
            return m;
        json_node_unref(m);
    }
}

/* ---- an older database: one employer per distinct company text ---- */

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        g_error("%s: %s", sql, err);
}

static void test_migrated_by_company(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("jobcast-employers-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "jobcast.db", NULL);
    g_assert_true(ctl_store_create_at_version(path, 7, &error));
    g_assert_no_error(error);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    exec(db,
         "INSERT INTO postings (title, company, pay_min, pay_max, pay_unit, headcount) VALUES"
         " ('普工', '某厂', 200, 260, 'day', 5), ('保洁', '家政中心', 3000, 3500, 'month', 2),"
         " ('叉车工', '某厂', 250, 300, 'day', 1);"
         "INSERT INTO signups (posting_id, name, phone) VALUES (1, '张三', '13800001111'),"
         " (2, '李四', '13800002222'), (3, '王五', '13800003333'), (3, '赵六', '13800004444');");
    sqlite3_close(db);

    CtlStore *store = ctl_store_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(CtlPosting) p1 = ctl_store_get_posting(store, 1, &error);
    g_autoptr(CtlPosting) p2 = ctl_store_get_posting(store, 2, &error);
    g_autoptr(CtlPosting) p3 = ctl_store_get_posting(store, 3, &error);
    g_assert_no_error(error);
    /* In order of their first posting: 某厂 is 1, 家政中心 2; posting 3 shares 1's. */
    g_assert_cmpint(p1->employer_id, ==, 1);
    g_assert_cmpint(p2->employer_id, ==, 2);
    g_assert_cmpint(p3->employer_id, ==, 1);
    g_assert_cmpstr(p3->company, ==, "某厂");
    g_assert_cmpint(p1->version, ==, 1);
    g_assert_cmpint(ctl_store_count_signups(store, 1, &error), ==, 1);
    g_assert_cmpint(ctl_store_count_signups(store, 3, &error), ==, 2);
    /* The employer's sign-ups as its export selects them: posting 1's and 3's, not 2's. */
    g_autoptr(GPtrArray) rows = ctl_store_list_signups(store, 0, -1, "某厂", 0, 100, TRUE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(rows->len, ==, 3);
    ctl_store_close(store);
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT count(*), group_concat(name, '|') FROM employers", -1, &st,
                       NULL);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int(st, 0), ==, 2);
    sqlite3_finalize(st);
    sqlite3_close(db);
    ctl_test_remove_dir(dir);
}

/* ---- the methods ---- */

/* Every seeded posting refers to the record of its company's name. */
static void test_seeded_postings_have_records(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM postings WHERE employer_id IS NULL"), ==, 0);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM postings p JOIN employers e ON"
                              " e.id = p.employer_id WHERE e.name <> p.company"),
                    ==, 0);
    g_autoptr(JsonNode) keep = NULL;
    JsonObject *r = ok(f->ws, "employers.list", NULL, &keep);
    g_assert_cmpint(json_array_get_length(json_object_get_array_member(r, "employers")), ==,
                    db_int(f, "SELECT count(DISTINCT company) FROM postings"));
}

#define NEW_POSTING                                                                                     \
    "\"title\":\"仓库分拣员\",\"pay_min\":180,\"pay_max\":220,\"pay_unit\":\"day\",\"headcount\":" \
    "3"

/* Created with a contact; a posting picks it by id and shows its name; renamed, the posting on
 * air is a new version told to everyone (and re-taken), and an editor's old version is stale. */
static void test_create_pick_rename(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonNode) k1 = NULL;
    JsonObject *e = json_object_get_object_member(
        ok(f->ws, "employers.create",
           "{\"name\":\"临沂顺丰分拣中心\",\"contact_person\":\"刘经理\","
           "\"contact_phone\":\"0539-8123456\"}",
           &k1),
        "employer");
    gint64 eid = json_object_get_int_member(e, "id");
    g_assert_cmpstr(json_object_get_string_member(e, "contact_phone"), ==, "0539-8123456");
    g_assert_cmpint(json_object_get_int_member(e, "postings"), ==, 0);
    g_autoptr(JsonNode) ev = next_event(f->ws, "employers.changed");

    g_autofree char *create =
        g_strdup_printf("{" NEW_POSTING ",\"employer_id\":%" G_GINT64_FORMAT "}", eid);
    g_autoptr(JsonNode) k2 = NULL;
    JsonObject *p =
        json_object_get_object_member(ok(f->ws, "postings.create", create, &k2), "posting");
    gint64 pid = json_object_get_int_member(p, "id");
    g_assert_cmpstr(json_object_get_string_member(p, "company"), ==, "临沂顺丰分拣中心");
    g_assert_cmpint(json_object_get_int_member(p, "employer_id"), ==, eid);
    g_autofree char *take = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT "}", pid);
    g_autoptr(JsonNode) k3 = NULL;
    ok(f->ws, "show.take", take, &k3);
    g_autoptr(JsonNode) on1 = next_event(f->ws, "on_air.changed");

    g_autofree char *rename = g_strdup_printf(
        "{\"employer_id\":%" G_GINT64_FORMAT ",\"name\":\"顺丰临沂分拣中心\"}", eid);
    g_autoptr(JsonNode) k4 = NULL;
    e = json_object_get_object_member(ok(f->ws, "employers.update", rename, &k4), "employer");
    g_assert_cmpstr(json_object_get_string_member(e, "name"), ==, "顺丰临沂分拣中心");
    g_assert_cmpstr(json_object_get_string_member(e, "contact_person"), ==, "刘经理");
    g_assert_cmpint(json_object_get_int_member(e, "postings"), ==, 1);
    g_autoptr(JsonNode) changed = next_event(f->ws, "posting.changed");
    JsonObject *cp = json_object_get_object_member(
        json_object_get_object_member(json_node_get_object(changed), "params"), "posting");
    g_assert_cmpstr(json_object_get_string_member(cp, "company"), ==, "顺丰临沂分拣中心");
    g_assert_cmpint(json_object_get_int_member(cp, "version"), ==, 2);
    g_autoptr(JsonNode) on2 = next_event(f->ws, "on_air.changed");
    JsonObject *op = json_object_get_object_member(
        json_object_get_object_member(json_node_get_object(on2), "params"), "on_air");
    g_assert_cmpstr(json_object_get_string_member(op, "company"), ==, "顺丰临沂分拣中心");

    /* An editor that loaded version 1 before the rename saves into a conflict. */
    g_autofree char *stale =
        g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT ",\"version\":1,\"headcount\":9}", pid);
    g_assert_cmpint(refused(f->ws, "postings.update", stale, NULL), ==, -32009);
}

/* A posting saved with a company text nobody has makes that employer; saved with an existing
 * one's name, it refers to that record. */
static void test_company_text_picks_or_creates(Fixture *f, gconstpointer data)
{
    gint64 before = db_int(f, "SELECT count(*) FROM employers");
    g_autoptr(JsonNode) k1 = NULL;
    JsonObject *p = json_object_get_object_member(
        ok(f->ws, "postings.create", "{" NEW_POSTING ",\"company\":\"  全新的用工单位 \"}", &k1),
        "posting");
    gint64 pid = json_object_get_int_member(p, "id");
    gint64 eid = json_object_get_int_member(p, "employer_id");
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM employers"), ==, before + 1);
    g_autofree char *sql =
        g_strdup_printf("SELECT count(*) FROM employers WHERE id = %" G_GINT64_FORMAT
                        " AND name = '全新的用工单位'",
                        eid);
    g_assert_cmpint(db_int(f, sql), ==, 1);
    gint64 seeded = db_int(f, "SELECT employer_id FROM postings WHERE id = 1");
    g_autofree char *company = NULL;
    {
        sqlite3 *db = NULL;
        g_autofree char *path = g_build_filename(f->t.dir, "jobcast.db", NULL);
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(db, "SELECT company FROM postings WHERE id = 1", -1, &st, NULL);
        g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
        company = g_strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    g_autofree char *move = g_strdup_printf(
        "{\"posting_id\":%" G_GINT64_FORMAT ",\"version\":1,\"company\":\"%s\"}", pid, company);
    g_autoptr(JsonNode) k2 = NULL;
    p = json_object_get_object_member(ok(f->ws, "postings.update", move, &k2), "posting");
    g_assert_cmpint(json_object_get_int_member(p, "employer_id"), ==, seeded);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM employers"), ==, before + 1);
}

/* An employer with postings stays; one without goes. */
static void test_remove_only_unused(Fixture *f, gconstpointer data)
{
    gint64 used = db_int(f, "SELECT employer_id FROM postings WHERE id = 1");
    g_autofree char *params = g_strdup_printf("{\"employer_id\":%" G_GINT64_FORMAT "}", used);
    g_assert_cmpint(refused(f->ws, "employers.remove", params, NULL), ==, -32009);
    g_autoptr(JsonNode) k1 = NULL;
    JsonObject *e = json_object_get_object_member(
        ok(f->ws, "employers.create", "{\"name\":\"还没有岗位的单位\"}", &k1), "employer");
    g_autofree char *gone = g_strdup_printf("{\"employer_id\":%" G_GINT64_FORMAT "}",
                                            json_object_get_int_member(e, "id"));
    g_autoptr(JsonNode) k2 = NULL;
    g_assert_true(
        json_object_get_boolean_member(ok(f->ws, "employers.remove", gone, &k2), "removed"));
    g_assert_cmpint(refused(f->ws, "employers.get", gone, NULL), ==, -32004);
}

/* A host can neither read nor change employers, and hears nothing of them. */
static void test_host_refused(Fixture *f, gconstpointer data)
{
    CtlTestWs *host = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " HOST_TOKEN);
    g_assert_cmpint(refused(host, "employers.list", NULL, NULL), ==, -32001);
    g_assert_cmpint(refused(host, "employers.get", "{\"employer_id\":1}", NULL), ==, -32001);
    g_assert_cmpint(refused(host, "employers.create", "{\"name\":\"冒名单位\"}", NULL), ==, -32001);
    g_assert_cmpint(refused(host, "employers.update", "{\"employer_id\":1,\"name\":\"x\"}", NULL),
                    ==, -32001);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM employers WHERE name IN ('冒名单位', 'x')"), ==,
                    0);
    /* A producer's change: the host's next message is the reply to its own later call, with no
     * employers.changed before it. */
    g_autoptr(JsonNode) k1 = NULL;
    ok(f->ws, "employers.create", "{\"name\":\"有联系人的单位\",\"contact_phone\":\"13900001111\"}",
       &k1);
    g_autoptr(JsonNode) k2 = NULL;
    ok(host, "graphics.themes", NULL, &k2);
    while (!g_queue_is_empty(&host->messages)) {
        g_autoptr(JsonNode) m = g_queue_pop_head(&host->messages);
        g_autofree char *text = json_to_string(m, FALSE);
        g_assert_null(strstr(text, "employers.changed"));
        g_assert_null(strstr(text, "13900001111"));
    }
    ctl_test_ws_free(host);
}

/* Bad values are refused with the field's name and change nothing. */
static void test_bad_input(Fixture *f, gconstpointer data)
{
    gint64 employers = db_int(f, "SELECT count(*) FROM employers");
    gint64 versions = db_int(f, "SELECT sum(version) FROM postings");
    g_autofree char *long_name = g_strnfill(61, 'x');
    g_autofree char *too_long = g_strdup_printf("{\"name\":\"%s\"}", long_name);
    struct {
        const char *method, *params, *field;
        gint64 code;
    } cases[] = {
        {"employers.create", "{}", "name", -32602},
        {"employers.create", "{\"name\":\"   \"}", "name", -32602},
        {"employers.create", too_long, "name", -32602},
        {"employers.create", "{\"name\":\"a\\u0007b\"}", "name", -32602},
        {"employers.create", "{\"name\":42}", "name", -32602},
        {"employers.create", "{\"name\":\"好单位\",\"contact_phone\":\"call me\"}", "contact_phone",
         -32602},
        {"employers.create", "{\"name\":\"好单位\",\"contact_phone\":\"123456789012345678901\"}",
         "contact_phone", -32602},
        {"employers.create", "{\"name\":\"泉城家政服务中心\"}", "name", -32009},
        {"employers.update", "{\"employer_id\":1,\"name\":\"泉城家政服务中心\"}", "name", -32009},
        {"employers.update", "{\"employer_id\":99999,\"name\":\"无\"}", "employer", -32004},
        {"employers.update", "{\"employer_id\":-1}", "employer_id", -32602},
        {"employers.get", "{\"employer_id\":\"1\"}", "employer_id", -32602},
        {"postings.create", "{" NEW_POSTING ",\"employer_id\":99999}", "employer_id", -32004},
        {"postings.create", "{" NEW_POSTING ",\"employer_id\":1,\"company\":\"别的单位\"}",
         "company", -32602},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *message = NULL;
        gint64 code = refused(f->ws, cases[i].method, cases[i].params, &message);
        if (code != cases[i].code || strstr(message, cases[i].field) == NULL)
            g_error("%s %s: %" G_GINT64_FORMAT " \"%s\", wanted %" G_GINT64_FORMAT " naming %s",
                    cases[i].method, cases[i].params, code, message, cases[i].code, cases[i].field);
    }
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM employers"), ==, employers);
    g_assert_cmpint(db_int(f, "SELECT sum(version) FROM postings"), ==, versions);
}

static void apply(Fixture *f, gint64 posting_id, const char *phone)
{
    g_autofree char *body = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT
                                            ",\"name\":\"王五\",\"phone\":\"%s\",\"consent\":true}",
                                            posting_id, phone);
    g_autoptr(SoupMessage) msg =
        ctl_test_post(f->t.port, "/api/apply", "application/json", body, strlen(body));
    g_autoptr(GBytes) reply = ctl_test_http(f->t.soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 201);
}

/* GET /api/export.csv?QUERY as the producer: *status and the body. (transfer full) */
static char *export_csv(Fixture *f, const char *query, guint *status)
{
    g_autofree char *path = g_strdup_printf("/api/export.csv?%s", query);
    g_autoptr(SoupMessage) msg = ctl_test_get(f->t.port, path, "Bearer " TOKEN);
    char *text = ctl_test_http_text(f->t.soup, msg);
    *status = soup_message_get_status(msg);
    return text;
}

/* The export by the employer's record holds its postings' sign-ups and no other's, the same as
 * by its name; an unknown record is 404. */
static void test_export_by_record(Fixture *f, gconstpointer data)
{
    gint64 eid = db_int(f, "SELECT employer_id FROM postings WHERE id = 1");
    gint64 other = db_int(f, "SELECT min(id) FROM postings WHERE employer_id <> "
                             "(SELECT employer_id FROM postings WHERE id = 1)");
    apply(f, 1, "13800001111");
    apply(f, other, "13800002222");
    guint status = 0;
    g_autofree char *q = g_strdup_printf("employer_id=%" G_GINT64_FORMAT, eid);
    g_autofree char *by_id = export_csv(f, q, &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_nonnull(strstr(by_id, "13800001111"));
    g_assert_null(strstr(by_id, "13800002222"));
    g_autofree char *company = NULL;
    {
        g_autoptr(JsonNode) keep = NULL;
        g_autofree char *params = g_strdup_printf("{\"employer_id\":%" G_GINT64_FORMAT "}", eid);
        JsonObject *e =
            json_object_get_object_member(ok(f->ws, "employers.get", params, &keep), "employer");
        company = g_uri_escape_string(json_object_get_string_member(e, "name"), NULL, FALSE);
    }
    g_autofree char *qn = g_strdup_printf("employer=%s", company);
    g_autofree char *by_name = export_csv(f, qn, &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_cmpstr(by_name, ==, by_id);
    g_autofree char *none = export_csv(f, "employer_id=99999", &status);
    g_assert_cmpuint(status, ==, 404);
    g_autofree char *bad = export_csv(f, "employer_id=x", &status);
    g_assert_cmpuint(status, ==, 400);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    g_test_add_func("/control/employers/migrated-by-company", test_migrated_by_company);
    ADD("/control/employers/seeded-postings-have-records", test_seeded_postings_have_records);
    ADD("/control/employers/create-pick-rename", test_create_pick_rename);
    ADD("/control/employers/company-text-picks-or-creates", test_company_text_picks_or_creates);
    ADD("/control/employers/remove-only-unused", test_remove_only_unused);
    ADD("/control/employers/export-by-record", test_export_by_record);
    ADD("/security/employers/host-refused", test_host_refused);
    ADD("/security/employers/bad-input-changes-nothing", test_bad_input);
#undef ADD
    return g_test_run();
}
