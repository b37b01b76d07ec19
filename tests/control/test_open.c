/* Tests of control opening its own store from a path: the folder is made, the schema migrated,
 * the sample postings seeded once, and the store's tuning passed on. */
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "ctl_control.h"
#include "ctl_test.h"

#define SAMPLE_POSTINGS 15

typedef struct {
    char *dir;     /* owned: temp dir */
    char *db_path; /* owned: DIR/data/jobcast.db (its folder does not exist yet) */
    gint64 on_air_id;
} Fixture;

static void on_air(const CtlPosting *posting, const char *apply_url, gpointer data)
{
    Fixture *f = data;
    f->on_air_id = posting != NULL ? posting->id : 0;
}

static CtlControl *open_control(Fixture *f, gboolean seed, GError **error)
{
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .producer_token = "t",
        .db_path = f->db_path,
        .seed = seed,
        .batch_max = 1,
        .on_air = on_air,
        .on_air_data = f,
    };
    return ctl_control_new(&cfg, error);
}

static gint64 count_postings(Fixture *f)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_open_v2(f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT count(*) FROM postings", -1, &st, NULL), ==,
                    SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    gint64 n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("jobcast-open-XXXXXX", &error);
    g_assert_no_error(error);
    f->db_path = g_build_filename(f->dir, "data", "jobcast.db", NULL);
}

static void teardown(Fixture *f, gconstpointer data)
{
    g_autofree char *sub = g_path_get_dirname(f->db_path);
    ctl_test_remove_dir(sub);
    ctl_test_remove_dir(f->dir);
    g_free(f->db_path);
    g_free(f->dir);
}

/* A fresh path: folder made, samples seeded and the first one on air; a restart seeds nothing. */
static void test_seeds_once(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlControl *c = open_control(f, TRUE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(ctl_control_seeded(c), ==, SAMPLE_POSTINGS);
    g_assert_cmpint(f->on_air_id, ==, 1);
    ctl_control_free(c);
    g_assert_cmpint(count_postings(f), ==, SAMPLE_POSTINGS);

    c = open_control(f, TRUE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(ctl_control_seeded(c), ==, 0);
    ctl_control_free(c);
    g_assert_cmpint(count_postings(f), ==, SAMPLE_POSTINGS);
}

/* Without seed the database is made and migrated, and stays empty. */
static void test_no_seed_stays_empty(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlControl *c = open_control(f, FALSE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(ctl_control_seeded(c), ==, 0);
    g_assert_cmpint(f->on_air_id, ==, 0);
    ctl_control_free(c);
    g_assert_cmpint(count_postings(f), ==, 0);
}

/* A path control cannot create is an error, not a crash, and nothing listens. */
static void test_bad_path_fails(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *file = g_build_filename(f->dir, "file", NULL);
    g_assert_true(g_file_set_contents(file, "x", 1, NULL));
    g_free(f->db_path);
    f->db_path = g_build_filename(file, "jobcast.db", NULL); /* under a plain file */
    CtlControl *c = open_control(f, TRUE, &error);
    g_assert_null(c);
    g_assert_nonnull(error);
    g_remove(file);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/control/open/seeds-once", Fixture, NULL, setup, test_seeds_once, teardown);
    g_test_add("/control/open/no-seed-stays-empty", Fixture, NULL, setup, test_no_seed_stays_empty,
               teardown);
    g_test_add("/control/open/bad-path-fails", Fixture, NULL, setup, test_bad_path_fails, teardown);
    return g_test_run();
}
