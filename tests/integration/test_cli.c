/* Tests of jobcast's command line: help, and clear errors with exit status 2 for bad usage. */
#include <gio/gio.h>
#include <glib/gstdio.h>

typedef struct {
    int status;
    char *out; /* owned */
    char *err; /* owned */
} Run;

static void run_clear(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

static Run run_jobcast(const char *const *args)
{
    const char *build = g_getenv("JOBCAST_BUILD_DIR");
    g_assert_nonnull(build);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(argv, g_build_filename(build, "jobcast", NULL));
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, g_strdup(*a));
    g_ptr_array_add(argv, NULL);
    Run r = {0};
    g_autoptr(GError) error = NULL;
    int wait_status = 0;
    g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err,
                 &wait_status, &error);
    g_assert_no_error(error);
    g_assert_true(WIFEXITED(wait_status));
    r.status = WEXITSTATUS(wait_status);
    return r;
}

static void expect_usage_error(const char *const *args, const char *mentions)
{
    Run r = run_jobcast(args);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, mentions));
    run_clear(&r);
}

static void test_help(void)
{
    Run r = run_jobcast((const char *const[]){"--help", NULL});
    g_assert_cmpint(r.status, ==, 0);
    for (const char *const *o =
             (const char *const[]){"--listen", "--data-dir", "--input", "--output", "--no-record",
                                   "--profile", "--public-url", "--duration", "--config", NULL};
         *o; o++)
        g_assert_nonnull(strstr(r.out, *o));
    run_clear(&r);
}

static void test_unknown_option(void)
{
    expect_usage_error((const char *const[]){"--frobnicate", NULL}, "--frobnicate");
}

static void test_bad_profile(void)
{
    expect_usage_error(
        (const char *const[]){"--profile", "4k", "--data-dir", "/nonexistent/x", NULL}, "720p30");
}

static void test_bad_listen(void)
{
    expect_usage_error((const char *const[]){"--listen", "localhost", NULL}, "--listen");
    expect_usage_error((const char *const[]){"--listen", "127.0.0.1:70000", NULL}, "--listen");
}

static void test_bad_duration(void)
{
    expect_usage_error((const char *const[]){"--duration", "-3", NULL}, "--duration");
    expect_usage_error((const char *const[]){"--duration", "ten", NULL}, "--duration");
}

/* Every whole-number option names itself, its unit and its range; empty names refuse. */
static void test_bad_numbers(void)
{
    expect_usage_error((const char *const[]){"--duration", "0", NULL},
                       "--duration: '0' is not a whole number of seconds between 1 and 604800");
    expect_usage_error(
        (const char *const[]){"--segment-minutes", "0", NULL},
        "--segment-minutes: '0' is not a whole number of minutes between 1 and 1440");
    expect_usage_error((const char *const[]){"--keep-days", "3651", NULL},
                       "--keep-days: '3651' is not a whole number of days between 0 and 3650");
    expect_usage_error((const char *const[]){"--keep-gb", "x", NULL},
                       "--keep-gb: 'x' is not a whole number of GB between 0 and 100000");
    expect_usage_error(
        (const char *const[]){"--transition-ms", "5001", NULL},
        "--transition-ms: '5001' is not a whole number of milliseconds between 0 and 5000");
    expect_usage_error(
        (const char *const[]){"--max-connections", "15", NULL},
        "--max-connections: '15' is not a whole number of connections between 16 and 1000000");
    expect_usage_error((const char *const[]){"--max-connections-per-address", "0", NULL},
                       "--max-connections-per-address: '0' is not a whole number of connections "
                       "between 1 and 1000000");
    expect_usage_error((const char *const[]){"--data-dir", "", NULL},
                       "--data-dir: must not be empty");
    expect_usage_error((const char *const[]){"--theme", "", NULL}, "--theme: must not be empty");
    expect_usage_error((const char *const[]){"--theme-dir", "", NULL},
                       "--theme-dir: must not be empty");
}

static void test_bad_public_url(void)
{
    expect_usage_error((const char *const[]){"--public-url", "ftp://x", NULL}, "--public-url");
}

static void test_config_unknown_key(void)
{
    g_autofree char *dir = g_dir_make_tmp("jobcast-cli-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "bad.ini", NULL);
    g_assert_true(g_file_set_contents(path, "[jobcast]\nlisten=127.0.0.1:0\nspeed=11\n", -1, NULL));
    expect_usage_error((const char *const[]){"--config", path, NULL}, "speed");
    g_unlink(path);
    g_rmdir(dir);
}

static void test_config_missing_file(void)
{
    expect_usage_error((const char *const[]){"--config", "/nonexistent/jobcast.ini", NULL},
                       "/nonexistent/jobcast.ini");
}

static void test_config_bad_value(void)
{
    g_autofree char *dir = g_dir_make_tmp("jobcast-cli-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "bad.ini", NULL);
    g_assert_true(g_file_set_contents(path, "[jobcast]\nprofile=8k\n", -1, NULL));
    expect_usage_error((const char *const[]){"--config", path, NULL}, "8k");
    g_unlink(path);
    g_rmdir(dir);
}

/* The personal-data options: listed in --help (the test-only one is not), bad values refused
 * with the option's name, on the command line and in the config file. */
static void test_privacy_options(void)
{
    Run r = run_jobcast((const char *const[]){"--help", NULL});
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "--keep-signups-days"));
    g_assert_nonnull(strstr(r.out, "--operator-name"));
    g_assert_nonnull(strstr(r.out, "--operator-contact"));
    g_assert_nonnull(strstr(r.out, "--max-signups-per-phone-per-day"));
    g_assert_null(strstr(r.out, "--test-privacy-check-seconds"));
    run_clear(&r);
    expect_usage_error((const char *const[]){"--keep-signups-days", "half a year", NULL},
                       "--keep-signups-days");
    expect_usage_error((const char *const[]){"--max-signups-per-phone-per-day", "-1", NULL},
                       "--max-signups-per-phone-per-day");
    expect_usage_error((const char *const[]){"--operator-name", "", NULL}, "--operator-name");
    g_autofree char *dir = g_dir_make_tmp("jobcast-cli-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "bad.ini", NULL);
    g_assert_true(g_file_set_contents(path, "[jobcast]\nkeep-signups-days=9999\n", -1, NULL));
    expect_usage_error((const char *const[]){"--config", path, NULL}, "--keep-signups-days");
    g_unlink(path);
    g_rmdir(dir);
}

/* SMS codes: the gateway and its secret file come together; a bad URL, a missing or empty file
 * are refused with the option's name, and no error ever shows the secret. */
static void test_sms_options(void)
{
    Run r = run_jobcast((const char *const[]){"--help", NULL});
    g_assert_nonnull(strstr(r.out, "--sms-gateway"));
    g_assert_nonnull(strstr(r.out, "--sms-gateway-secret-file"));
    g_assert_null(strstr(r.out, "--test-sms-code-ms"));
    run_clear(&r);
    g_autofree char *dir = g_dir_make_tmp("jobcast-cli-XXXXXX", NULL);
    g_autofree char *secret = g_build_filename(dir, "secret", NULL);
    g_autofree char *empty = g_build_filename(dir, "empty", NULL);
    g_assert_true(g_file_set_contents(secret, "hush-8c1d0e\n", -1, NULL));
    g_assert_true(g_file_set_contents(empty, "\n", -1, NULL));
    expect_usage_error((const char *const[]){"--sms-gateway", "http://127.0.0.1:9/send", NULL},
                       "go together");
    expect_usage_error((const char *const[]){"--sms-gateway-secret-file", secret, NULL},
                       "go together");
    const char *const bad_url[] = {"--sms-gateway", "ftp://127.0.0.1/send",
                                   "--sms-gateway-secret-file", secret, NULL};
    r = run_jobcast(bad_url);
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "--sms-gateway: must be an http"));
    g_assert_null(strstr(r.err, "hush-8c1d0e"));
    run_clear(&r);
    expect_usage_error((const char *const[]){"--sms-gateway", "http://127.0.0.1:9/send",
                                             "--sms-gateway-secret-file", empty, NULL},
                       "must hold one line");
    expect_usage_error((const char *const[]){"--sms-gateway", "http://127.0.0.1:9/send",
                                             "--sms-gateway-secret-file", "/nonexistent/s", NULL},
                       "/nonexistent/s");
    g_unlink(secret);
    g_unlink(empty);
    g_rmdir(dir);
}

/* --csv-timezone (and the config key): listed in --help, a zone GLib does not know refused with
 * the option's name. */
static void test_csv_timezone(void)
{
    Run r = run_jobcast((const char *const[]){"--help", NULL});
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "--csv-timezone"));
    run_clear(&r);
    expect_usage_error((const char *const[]){"--csv-timezone", "Mars/Olympus", NULL},
                       "--csv-timezone: 'Mars/Olympus' is not a time zone");
    g_autofree char *dir = g_dir_make_tmp("jobcast-cli-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "bad.ini", NULL);
    g_assert_true(g_file_set_contents(path, "[jobcast]\ncsv-timezone=Nowhere/Land\n", -1, NULL));
    expect_usage_error((const char *const[]){"--config", path, NULL},
                       "--csv-timezone: 'Nowhere/Land'");
    g_unlink(path);
    g_rmdir(dir);
}

static void test_bad_output(void)
{
    g_autofree char *dir = g_dir_make_tmp("jobcast-cli-XXXXXX", NULL);
    expect_usage_error((const char *const[]){"--data-dir", dir, "--listen", "127.0.0.1:0",
                                             "--no-record", "--output", "gopher://x", NULL},
                       "gopher://x");
    g_autofree char *db = g_build_filename(dir, "jobcast.db", NULL);
    g_autofree char *wal = g_strconcat(db, "-wal", NULL);
    g_autofree char *shm = g_strconcat(db, "-shm", NULL);
    g_unlink(wal);
    g_unlink(shm);
    g_unlink(db);
    g_rmdir(dir);
}

/* --output NAME=URI: a name outside the rule, or one given twice (also through the config file,
 * and a plain URI's outN against a given name), refuses the start naming the problem; the key
 * is never quoted. */
static void test_output_names(void)
{
    expect_usage_error(
        (const char *const[]){"--output", "Douyin=rtmp://h.example.com/live/k", NULL},
        "name: only a-z, 0-9 and '-'");
    expect_usage_error((const char *const[]){"--output", "a=rtmp://h.example.com/live/k1",
                                             "--output", "a=rtmp://h.example.com/live/k2", NULL},
                       "two outputs are named a");
    /* The second --output without a name is out2. */
    expect_usage_error((const char *const[]){"--output", "out2=rtmp://h.example.com/live/k1",
                                             "--output", "rtmp://h.example.com/live/k2", NULL},
                       "two outputs are named out2");
    Run r = run_jobcast(
        (const char *const[]){"--output", "y=srt://h.example.com?passphrase=sekrit-pass", NULL});
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "needs a host and a port"));
    g_assert_null(strstr(r.err, "sekrit"));
    run_clear(&r);
    g_autofree char *dir = g_dir_make_tmp("jobcast-cli-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "dup.ini", NULL);
    g_assert_true(g_file_set_contents(path,
                                      "[jobcast]\noutput=a=rtmp://h.example.com/live/k1;"
                                      "a=rtmp://h.example.com/live/k2\n",
                                      -1, NULL));
    expect_usage_error((const char *const[]){"--config", path, NULL}, "two outputs are named a");
    g_unlink(path);
    g_rmdir(dir);
}

/* A bad theme in --theme-dir refuses the start, naming the file and the key. */
static void test_bad_theme_dir(void)
{
    g_autofree char *dir = g_dir_make_tmp("jobcast-cli-XXXXXX", NULL);
    g_autofree char *themes = g_build_filename(dir, "themes", NULL);
    g_assert_cmpint(g_mkdir(themes, 0700), ==, 0);
    g_autofree char *ini = g_build_filename(themes, "night.ini", NULL);
    g_assert_true(g_file_set_contents(ini, "[colours]\naccent=#zzz\n", -1, NULL));
    Run r = run_jobcast((const char *const[]){"--data-dir", dir, "--listen", "127.0.0.1:0",
                                              "--no-record", "--theme-dir", themes, NULL});
    g_assert_cmpint(r.status, ==, 2);
    g_assert_nonnull(strstr(r.err, "night.ini"));
    g_assert_nonnull(strstr(r.err, "accent"));
    run_clear(&r);
    g_unlink(ini);
    g_rmdir(themes);
    static const char *const db[] = {"jobcast.db", "jobcast.db-wal", "jobcast.db-shm"};
    for (guint i = 0; i < G_N_ELEMENTS(db); i++) {
        g_autofree char *p = g_build_filename(dir, db[i], NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cli/help", test_help);
    g_test_add_func("/cli/unknown-option-exits-2", test_unknown_option);
    g_test_add_func("/cli/bad-profile-exits-2", test_bad_profile);
    g_test_add_func("/cli/bad-listen-exits-2", test_bad_listen);
    g_test_add_func("/cli/bad-duration-exits-2", test_bad_duration);
    g_test_add_func("/cli/bad-numbers-exits-2", test_bad_numbers);
    g_test_add_func("/cli/bad-public-url-exits-2", test_bad_public_url);
    g_test_add_func("/cli/bad-output-exits-2", test_bad_output);
    g_test_add_func("/cli/output-names", test_output_names);
    g_test_add_func("/cli/config-unknown-key-exits-2", test_config_unknown_key);
    g_test_add_func("/cli/config-missing-file-exits-2", test_config_missing_file);
    g_test_add_func("/cli/config-bad-value-exits-2", test_config_bad_value);
    g_test_add_func("/cli/bad-theme-dir-exits-2", test_bad_theme_dir);
    g_test_add_func("/cli/privacy-options", test_privacy_options);
    g_test_add_func("/cli/sms-options", test_sms_options);
    g_test_add_func("/cli/csv-timezone", test_csv_timezone);
    return g_test_run();
}
