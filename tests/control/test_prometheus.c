/* /metrics as Prometheus takes it, from the real binary encoding to a file: the alert rules that
 * ship (deploy/prometheus/jobcast-alerts.yml) pass `promtool check rules`, and every series a
 * rule selects (with the label values it compares) is in a real scrape; the scrape passes
 * `promtool check metrics` (naming conventions: base units, _total counters); every family is
 * documented in docs/protocol.md and every documented one exists; the encoder, overlay, HTTP
 * and process series carry real figures. As /security/metrics/...: paths a client makes up
 * never become label values, and no key or token reaches /metrics.
 *
 * promtool (Debian's prometheus package, scripts/setup.sh) is required: without it the tests
 * fail, naming it. */
#include <libsoup/soup.h>
#include <string.h>

#include "ctl_requests.h"
#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "prometheus-test-token-0123"
#define KEY "prom-sekrit-stream-key-77"
#define RULES "deploy/prometheus/jobcast-alerts.yml"

/* Series Prometheus makes itself (not the target's), and labels it adds to every sample. */
static const char *const prometheus_own[] = {"up", NULL};
static const char *const target_labels[] = {"job", "instance", NULL};

static char *source_path(const char *name)
{
    return g_build_filename(g_getenv("JOBCAST_SOURCE_DIR"), name, NULL);
}

static char *read_source(const char *name)
{
    g_autofree char *path = source_path(name);
    char *text = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, &error));
    return text;
}

/* Runs argv with stdin_text on its stdin (NULL: none); returns its exit status, *out its stdout
 * and stderr together. Fails the test when the program is not installed. */
static int run(const char *const *argv, const char *stdin_text, char **out)
{
    g_autofree char *found = g_find_program_in_path(argv[0]);
    if (found == NULL)
        g_error("%s not found: install Debian's prometheus package (scripts/setup.sh)", argv[0]);
    g_autoptr(GError) error = NULL;
    GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE |
                             (stdin_text != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0);
    g_autoptr(GSubprocess) p = g_subprocess_newv(argv, flags, &error);
    g_assert_no_error(error);
    g_subprocess_communicate_utf8(p, stdin_text, NULL, out, NULL, &error);
    g_assert_no_error(error);
    return g_subprocess_get_exit_status(p);
}

/* The /metrics text. (transfer full) */
static char *scrape(CtlTestServer *srv)
{
    guint status = 0;
    char *text = ctl_test_server_request(srv, "GET", "/metrics", NULL, NULL, NULL, &status, NULL);
    g_assert_cmpuint(status, ==, 200);
    return text;
}

/* The value of the first sample line starting with head ("NAME " or "NAME{...} "); -1 absent. */
static double value_of(const char *text, const char *head)
{
    g_autofree char *needle = g_strconcat("\n", head, NULL);
    const char *at = strstr(text, needle);
    return at != NULL ? g_ascii_strtod(at + strlen(needle), NULL) : -1;
}

/* Starts jobcast encoding to a file (plus an output to a closed RTMP port whose URL holds a key)
 * and waits until the encoder has put out frames and the overlay has drawn a take. */
static char *start_encoding(CtlTestServer *srv)
{
    g_autofree char *file = g_strdup_printf("file://%s/program.flv", srv->dir);
    const char *extra[] = {"--output", file, "--output", "platform=rtmp://127.0.0.1:9/live/" KEY,
                           NULL};
    ctl_test_server_start(srv, TOKEN, extra);
    for (int i = 0; i < 300; i++) {
        g_autofree char *text = scrape(srv);
        if (value_of(text, "jobcast_encoder_frames_total ") > 0 &&
            value_of(text, "jobcast_overlay_takes_total ") > 0)
            return g_steal_pointer(&text);
        ctl_test_spin_for(200);
    }
    g_error("no encoded frame or overlay take in /metrics within 60 s");
}

/* TRUE if text has a sample of name whose labels include every label="value" of want. */
static gboolean has_sample(const char *text, const char *name, GPtrArray *want)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        gsize n = strlen(name);
        if ((*l)[0] == '#' || strncmp(*l, name, n) != 0 || ((*l)[n] != '{' && (*l)[n] != ' '))
            continue;
        gboolean all = TRUE;
        for (guint i = 0; i < want->len && all; i++)
            all = strstr(*l, g_ptr_array_index(want, i)) != NULL;
        if (all)
            return TRUE;
    }
    return FALSE;
}

static gboolean listed(const char *const *list, const char *s)
{
    return g_strv_contains(list, s);
}

/* The label="value" equality matchers of a selector's braces that the target itself sets. */
static GPtrArray *equality_matchers(const char *braces)
{
    GPtrArray *want = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GRegex) re =
        g_regex_new("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"", 0, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    g_regex_match(re, braces != NULL ? braces : "", 0, &m);
    for (; g_match_info_matches(m); g_match_info_next(m, NULL)) {
        g_autofree char *label = g_match_info_fetch(m, 1);
        g_autofree char *op = g_match_info_fetch(m, 2);
        g_autofree char *value = g_match_info_fetch(m, 3);
        if (strcmp(op, "=") == 0 && !listed(target_labels, label))
            g_ptr_array_add(want, g_strdup_printf("%s=\"%s\"", label, value));
    }
    return want;
}

/* Checks every metric selector of one PromQL expression against the scrape; returns how many
 * selectors it checked. Identifiers followed by "(" are functions; keywords are skipped. */
static guint check_expr(const char *expr, const char *text, const char *alert)
{
    static const char *const keywords[] = {"and",         "or",   "unless",   "by",
                                           "without",     "on",   "ignoring", "group_left",
                                           "group_right", "bool", "offset",   NULL};
    g_autoptr(GRegex) re = g_regex_new(
        "(?<![A-Za-z0-9_:.\\[])([A-Za-z_:][A-Za-z0-9_:]*)\\s*(\\{[^}]*\\})?(\\s*\\()?", 0, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    guint checked = 0;
    g_regex_match(re, expr, 0, &m);
    for (; g_match_info_matches(m); g_match_info_next(m, NULL)) {
        g_autofree char *name = g_match_info_fetch(m, 1);
        g_autofree char *braces = g_match_info_fetch(m, 2);
        g_autofree char *call = g_match_info_fetch(m, 3);
        if ((call != NULL && call[0] != '\0') || listed(keywords, name) ||
            listed(prometheus_own, name))
            continue;
        /* Only with --province: /province/sync checks them against a linked room's scrape. */
        if (g_str_has_prefix(name, "jobcast_province_"))
            continue;
        g_autoptr(GPtrArray) want = equality_matchers(braces);
        if (!has_sample(text, name, want))
            g_error("alert %s uses %s%s, which jobcast's /metrics does not have", alert, name,
                    braces != NULL ? braces : "");
        checked++;
    }
    return checked;
}

/* Every rule's expression (one line each, after "expr:"), checked; returns the selectors. */
static guint check_rules(const char *rules, const char *text)
{
    g_auto(GStrv) lines = g_strsplit(rules, "\n", -1);
    g_autofree char *alert = NULL;
    guint checked = 0;
    for (char **l = lines; *l != NULL; l++) {
        const char *s = g_strchug(*l);
        if (g_str_has_prefix(s, "- alert:")) {
            g_free(alert);
            alert = g_strstrip(g_strdup(s + strlen("- alert:")));
        } else if (g_str_has_prefix(s, "expr:")) {
            const char *expr = s + strlen("expr:");
            expr += strspn(expr, " ");
            /* A folded or literal block would hide the expression from this check. */
            if (expr[0] == '|' || expr[0] == '>' || expr[0] == '\0')
                g_error("alert %s: write its expr on one line", alert);
            checked += check_expr(expr, text, alert);
        }
    }
    return checked;
}

static void test_rules_check(void)
{
    g_autofree char *path = source_path(RULES);
    g_autofree char *out = NULL;
    const char *argv[] = {"promtool", "check", "rules", path, NULL};
    int rc = run(argv, NULL, &out);
    g_test_message("%s", out);
    g_assert_cmpint(rc, ==, 0);
    g_assert_nonnull(strstr(out, "SUCCESS"));
    /* docs/deploy.md sends the operator to the file rather than keeping a copy of its own. */
    g_autofree char *deploy = read_source("docs/deploy.md");
    g_assert_nonnull(strstr(deploy, RULES));
    g_assert_null(strstr(deploy, "expr: jobcast_"));
}

/* Every family name of the scrape (from its TYPE lines). (transfer full) */
static GPtrArray *families(const char *text)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        if (g_str_has_prefix(*l, "# TYPE "))
            g_ptr_array_add(names, g_strndup(*l + 7, strcspn(*l + 7, " ")));
    }
    return names;
}

/* docs/protocol.md's GET /metrics section. (transfer full) */
static char *metrics_section(void)
{
    g_autofree char *doc = read_source("docs/protocol.md");
    const char *start = strstr(doc, "### `GET /metrics`");
    g_assert_nonnull(start);
    const char *end = strstr(start + 1, "\n### ");
    return g_strndup(start, end != NULL ? (gsize)(end - start) : strlen(start));
}

/* Families of the scrape are each documented, and each documented name exists (the SMS ones
 * only with --sms-gateway, which this server does not have). */
static void check_documented(const char *text)
{
    g_autofree char *section = metrics_section();
    g_autoptr(GPtrArray) names = families(text);
    g_assert_cmpuint(names->len, >, 40);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *quoted = g_strdup_printf("`%s", (char *)g_ptr_array_index(names, i));
        if (strstr(section, quoted) == NULL)
            g_error("%s is in /metrics but not in docs/protocol.md", quoted + 1);
    }
    g_autoptr(GRegex) re = g_regex_new("`((?:jobcast|process)_[a-z_]+)", 0, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    g_regex_match(re, section, 0, &m);
    for (; g_match_info_matches(m); g_match_info_next(m, NULL)) {
        g_autofree char *name = g_match_info_fetch(m, 1);
        g_autofree char *head = g_strdup_printf("\n%s", name);
        if (strstr(text, head) == NULL && !g_str_has_prefix(name, "jobcast_sms_") &&
            !g_str_has_prefix(name, "jobcast_province_") &&
            strcmp(name, "jobcast_signups_unverified") != 0)
            g_error("docs/protocol.md documents %s, which /metrics does not have", name);
    }
}

static void test_rules_series_exist(void)
{
    CtlTestServer *srv = ctl_test_server_new();
    g_autofree char *text = start_encoding(srv);
    g_autofree char *rules = read_source(RULES);
    guint checked = check_rules(rules, text);
    g_test_message("%u selectors of the alert rules found in /metrics", checked);
    g_assert_cmpuint(checked, >=, 12);
    g_autofree char *out = NULL;
    const char *argv[] = {"promtool", "check", "metrics", NULL};
    int rc = run(argv, text, &out);
    if (rc != 0)
        g_error("promtool check metrics (exit %d):\n%s\n--- the scrape:\n%s", rc, out, text);
    check_documented(text);
    ctl_test_server_free(srv);
}

/* The encoder, overlay, HTTP and process series carry the figures of a real show. */
static void test_real_figures(void)
{
    CtlTestServer *srv = ctl_test_server_new();
    g_autofree char *first = start_encoding(srv);
    CtlTestWs *w = ctl_test_ws_producer(srv->soup, srv->port, "Bearer " TOKEN);
    ctl_test_ws_free(w);
    ctl_test_spin_for(1500);
    g_autofree char *text = scrape(srv);
    g_assert_cmpfloat(value_of(text, "jobcast_encoder_frames_total "), >,
                      value_of(first, "jobcast_encoder_frames_total "));
    g_assert_cmpfloat(value_of(text, "jobcast_encoder_frames_late_total "), >=, 0);
    g_assert_cmpfloat(value_of(text, "jobcast_overlay_takes_total "), >=, 1);
    double renders = value_of(text, "jobcast_overlay_render_seconds_count ");
    g_assert_cmpfloat(renders, >=, 1);
    g_assert_cmpfloat(value_of(text, "jobcast_overlay_render_seconds_bucket{le=\"+Inf\"} "), ==,
                      renders);
    g_assert_cmpfloat(value_of(text, "jobcast_overlay_render_seconds_sum "), >, 0);
    g_assert_cmpfloat(
        value_of(text, "jobcast_http_requests_total{route=\"/api/control\",code=\"101\"} "), ==, 1);
    g_assert_cmpfloat(
        value_of(text, "jobcast_http_requests_total{route=\"/metrics\",code=\"200\"} "), >=, 1);
    g_assert_cmpfloat(value_of(text, "process_resident_memory_bytes "), >, 10e6);
    g_assert_cmpfloat(value_of(text, "process_virtual_memory_bytes "), >,
                      value_of(text, "process_resident_memory_bytes "));
    g_assert_cmpfloat(value_of(text, "process_open_fds "), >, 3);
    g_assert_cmpfloat(value_of(text, "process_cpu_seconds_total "), >, 0);
    double start = value_of(text, "process_start_time_seconds ");
    double now = (double)g_get_real_time() / G_USEC_PER_SEC;
    g_assert_cmpfloat(start, <=, now + 1);
    g_assert_cmpfloat(start, >, now - 120);
    ctl_test_server_free(srv);
}

/* Paths a client makes up are counted under the route patterns (or "other"), never as labels;
 * the output's key and the producer token never reach /metrics. */
static void test_route_labels_bounded(void)
{
    CtlTestServer *srv = ctl_test_server_new();
    g_autofree char *first = start_encoding(srv);
    static const char *const made_up[] = {"/a/9123456/thanks",      "/a/zzmadeup1",
                                          "/static/zzmadeup2.css",  "/zzmadeup3",
                                          "/api/actions/zzmadeup4", "/A/ZZMADEUP5"};
    for (gsize i = 0; i < G_N_ELEMENTS(made_up); i++) {
        guint status = 0;
        g_autofree char *body =
            ctl_test_server_request(srv, "GET", made_up[i], NULL, NULL, NULL, &status, NULL);
        g_assert_cmpuint(status, >=, 400);
    }
    CtlTestWs *refused =
        ctl_test_ws_connect(srv->soup, srv->port, "Bearer wrong-token", NULL, NULL);
    g_assert_cmpuint(refused->status, ==, 401);
    ctl_test_ws_free(refused);
    g_autofree char *text = scrape(srv);
    g_assert_null(strstr(text, "zzmadeup"));
    g_assert_null(strstr(text, "ZZMADEUP"));
    g_assert_null(strstr(text, "9123456"));
    g_assert_null(strstr(text, KEY));
    g_assert_null(strstr(text, TOKEN));
    g_assert_null(strstr(text, "wrong-token"));
    static const char *const counted[] = {
        "jobcast_http_requests_total{route=\"/a/:id/thanks\",code=\"404\"} 1",
        "jobcast_http_requests_total{route=\"/a/:id\",code=\"404\"} 2",
        "jobcast_http_requests_total{route=\"/static/:name\",code=\"404\"} 1",
        "jobcast_http_requests_total{route=\"other\",code=\"404\"} 1",
        "jobcast_http_requests_total{route=\"/api/actions/:name\",code=\"405\"} 1",
        "jobcast_http_requests_total{route=\"/api/control\",code=\"401\"} 1",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(counted); i++) {
        if (strstr(text, counted[i]) == NULL)
            g_error("/metrics lacks %s:\n%s", counted[i], text);
    }
    g_assert_nonnull(strstr(text, "jobcast_output_state{output=\"platform\""));
    ctl_test_server_free(srv);
}

/* Every route label docs/protocol.md lists is one the code gives its paths (an id or name filled
 * in), and only those: a path of no route is "other". */
static void test_route_patterns_documented(void)
{
    g_autofree char *section = metrics_section();
    const char *row = strstr(section, "| `jobcast_http_requests_total");
    g_assert_nonnull(row);
    g_autofree char *line = g_strndup(row, strcspn(row, "\n"));
    g_autoptr(GRegex) re = g_regex_new("`(/[^`]*|other)`", 0, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    guint n = 0;
    g_regex_match(re, line, 0, &m);
    for (; g_match_info_matches(m); g_match_info_next(m, NULL), n++) {
        g_autofree char *route = g_match_info_fetch(m, 1);
        g_auto(GStrv) parts = g_strsplit(route, ":id", -1);
        g_autofree char *with_id = g_strjoinv("12", parts);
        g_auto(GStrv) parts2 = g_strsplit(with_id, ":name", -1);
        g_autofree char *path = g_strjoinv("x.css", parts2);
        const char *got = ctl_requests_route(strcmp(route, "other") == 0 ? "/nowhere" : path);
        if (strcmp(got, route) != 0)
            g_error("docs/protocol.md lists route %s; the path %s is counted as %s", route, path,
                    got);
    }
    g_assert_cmpuint(n, >=, 20);
    g_assert_cmpstr(ctl_requests_route("/a/12/thanks/more"), ==, "/a/:id");
    g_assert_cmpstr(ctl_requests_route("/metrics/x"), ==, "other");
    g_assert_cmpstr(ctl_requests_route(NULL), ==, "other");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/control/prometheus/rules-check", test_rules_check);
    g_test_add_func("/control/prometheus/route-patterns-documented",
                    test_route_patterns_documented);
    g_test_add_func("/control/prometheus/rules-series-exist", test_rules_series_exist);
    g_test_add_func("/control/prometheus/real-figures", test_real_figures);
    g_test_add_func("/security/metrics/route-labels-bounded", test_route_labels_bounded);
    return g_test_run();
}
