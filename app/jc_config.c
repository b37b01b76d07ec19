/* jc_config: command line and INI-file settings of the jobcast binary.
 *
 * Runs on the main thread at start-up only. Every bad value is reported with the option's name
 * so the user can fix it; nothing here exits the process (main decides: exit 2). */
#include "jc_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "jc_error.h"
#include "jc_output.h"
#include "ovl_theme.h"

#define GROUP "jobcast"

/* What the command line said; NULL / -1 means "not given" so the file may fill it in. */
typedef struct {
    char *config;
    char *listen;
    char *data_dir;
    char *input;
    char **outputs;
    gboolean no_record;
    char *profile;
    char *public_url;
    char *duration;
    char *segment_minutes;
    char *keep_days;
    char *keep_gb;
    char *audio_device;
    char *producer_token;
    char *admin_listen;
    char **trusted_proxies;
    char *max_connections;
    char *max_connections_per_address;
    gboolean commit_each;
    char *transition;
    char *transition_ms;
    char *theme;
    char *theme_dir;
    char *safe_area;
    char *keep_signups_days;
    char *operator_name;
    char *operator_contact;
    char *max_signups_per_phone;
    char *privacy_check_seconds;
    char *qr_blur;
    char *sms_gateway;
    char *sms_secret_file;
    char *sms_code_ms;
    char *sms_resend_ms;
    char *csv_timezone;
    char *province;
    char *market;
    char *market_name;
    char *province_batch_rows;
    gboolean help;
} Cli;

static void cli_clear(Cli *cli)
{
    g_free(cli->config);
    g_free(cli->listen);
    g_free(cli->data_dir);
    g_free(cli->input);
    g_strfreev(cli->outputs);
    g_free(cli->profile);
    g_free(cli->public_url);
    g_free(cli->duration);
    g_free(cli->segment_minutes);
    g_free(cli->keep_days);
    g_free(cli->keep_gb);
    g_free(cli->audio_device);
    g_free(cli->producer_token);
    g_free(cli->admin_listen);
    g_strfreev(cli->trusted_proxies);
    g_free(cli->max_connections);
    g_free(cli->max_connections_per_address);
    g_free(cli->transition);
    g_free(cli->transition_ms);
    g_free(cli->theme);
    g_free(cli->theme_dir);
    g_free(cli->safe_area);
    g_free(cli->keep_signups_days);
    g_free(cli->operator_name);
    g_free(cli->operator_contact);
    g_free(cli->max_signups_per_phone);
    g_free(cli->privacy_check_seconds);
    g_free(cli->qr_blur);
    g_free(cli->sms_gateway);
    g_free(cli->sms_secret_file);
    g_free(cli->sms_code_ms);
    g_free(cli->sms_resend_ms);
    g_free(cli->csv_timezone);
    g_free(cli->province);
    g_free(cli->market);
    g_free(cli->market_name);
    g_free(cli->province_batch_rows);
}

/* The province link's options into ctx. */
static void add_province_entries(GOptionContext *ctx, Cli *cli)
{
    const GOptionEntry entries[] = {
        {"province", 0, 0, G_OPTION_ARG_STRING, &cli->province,
         "Ship sign-ups to the province's PostgreSQL at this libpq URI (postgresql://...; its "
         "password is never shown: better in the --config file or ~/.pgpass); needs --market",
         "URL"},
        {"market", 0, 0, G_OPTION_ARG_STRING, &cli->market,
         "This room's market for the province: its 6-digit administrative-division code", "CODE"},
        {"market-name", 0, 0, G_OPTION_ARG_STRING, &cli->market_name,
         "The market's name shown in the province (default: the code)", "NAME"},
        {"test-province-batch-rows", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING,
         &cli->province_batch_rows, "Tests only: outbox rows per PostgreSQL transaction", "N"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_option_context_add_main_entries(ctx, entries, NULL);
}

/* The personal-data options (retention, the operator named in the notice, the per-phone limit)
 * into ctx. */
static void add_privacy_entries(GOptionContext *ctx, Cli *cli)
{
    const GOptionEntry entries[] = {
        {"keep-signups-days", 0, 0, G_OPTION_ARG_STRING, &cli->keep_signups_days,
         "Delete sign-ups older than this many days, checked hourly (default 180; 0 keeps them)",
         "DAYS"},
        {"operator-name", 0, 0, G_OPTION_ARG_STRING, &cli->operator_name,
         "Who runs the live room, named in the apply page's personal-data notice", "NAME"},
        {"operator-contact", 0, 0, G_OPTION_ARG_STRING, &cli->operator_contact,
         "How viewers reach the operator about their data (phone, address)", "CONTACT"},
        {"max-signups-per-phone-per-day", 0, 0, G_OPTION_ARG_STRING, &cli->max_signups_per_phone,
         "Postings one phone number may sign up for in 24 hours (default 5; 0: no limit)", "N"},
        {"csv-timezone", 0, 0, G_OPTION_ARG_STRING, &cli->csv_timezone,
         "Time zone of the times in sign-up exports, e.g. Asia/Shanghai (default: this "
         "machine's)",
         "ZONE"},
        {"test-privacy-check-seconds", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING,
         &cli->privacy_check_seconds, "Tests only: run the retention purge this often", "SECONDS"},
        {"test-qr-blur", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &cli->qr_blur,
         "Tests only: the QR monitor blurs what it scans between these seconds after start",
         "FROM,TO"},
        {"sms-gateway", 0, 0, G_OPTION_ARG_STRING, &cli->sms_gateway,
         "Ask every sign-up for a code sent by SMS through this gateway (http(s); off by default)",
         "URL"},
        {"sms-gateway-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &cli->sms_secret_file,
         "The gateway's bearer token, read from this file (never give it on a command line)",
         "FILE"},
        {"test-sms-code-ms", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &cli->sms_code_ms,
         "Tests only: how long an SMS code is valid", "MS"},
        {"test-sms-resend-ms", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &cli->sms_resend_ms,
         "Tests only: how soon another SMS code may be sent", "MS"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_option_context_add_main_entries(ctx, entries, NULL);
}

/* The overlay's options (transition, theme, safe area) into ctx. */
static void add_overlay_entries(GOptionContext *ctx, Cli *cli)
{
    const GOptionEntry entries[] = {
        {"transition", 0, 0, G_OPTION_ARG_STRING, &cli->transition,
         "How a take enters: cut (default), fade or slide", "KIND"},
        {"transition-ms", 0, 0, G_OPTION_ARG_STRING, &cli->transition_ms,
         "Duration of a fade or slide in milliseconds, 0 to 5000 (default 400)", "MS"},
        {"theme", 0, 0, G_OPTION_ARG_FILENAME, &cli->theme,
         "The overlay's colours, fonts, logo and safe areas (see config/theme.example.ini)",
         "FILE"},
        {"theme-dir", 0, 0, G_OPTION_ARG_FILENAME, &cli->theme_dir,
         "Themes a producer may switch to on air: every *.ini there, named by its file name",
         "DIR"},
        {"safe-area", 0, 0, G_OPTION_ARG_STRING, &cli->safe_area,
         "Margins the overlay keeps clear, in % of the frame (default: the theme's)", "T,R,B,L"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_option_context_add_main_entries(ctx, entries, NULL);
}

static GOptionContext *make_context(Cli *cli)
{
    const GOptionEntry entries[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &cli->config,
         "Read settings from an INI file (group [jobcast]; see config/jobcast.example.ini)",
         "FILE"},
        {"listen", 'l', 0, G_OPTION_ARG_STRING, &cli->listen,
         "Web server address (default 127.0.0.1:8080; port 0 picks a free one)", "HOST:PORT"},
        {"data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &cli->data_dir,
         "Database and recordings; created if missing (default ./jobcast-data)", "DIR"},
        {"input", 'i', 0, G_OPTION_ARG_STRING, &cli->input,
         "Camera or source: test: (default, synthetic), file:///PATH[?loop=1], srt://:PORT, "
         "rtsp://..., rtmp://..., v4l2:///dev/videoN",
         "URI"},
        {"output", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &cli->outputs,
         "Add a destination (rtmp://, rtmps://, srt://, file:///), named NAME (1-32 of a-z0-9-) "
         "or out1, out2... by position; repeatable",
         "[NAME=]URI"},
        {"audio-device", 0, 0, G_OPTION_ARG_STRING, &cli->audio_device,
         "Sound when the input has none: pulse:NAME, alsa:NAME or NAME (pulse); if it fails, "
         "silence (default: silence)",
         "DEVICE"},
        {"no-record", 0, 0, G_OPTION_ARG_NONE, &cli->no_record,
         "Do not record the show into DATA/recordings/", NULL},
        {"profile", 'p', 0, G_OPTION_ARG_STRING, &cli->profile,
         "720p30 (default), 1080p30, 720x1280 or 1080x1920", "NAME"},
        {"public-url", 0, 0, G_OPTION_ARG_STRING, &cli->public_url,
         "Base of the apply links in QR codes (default http://LISTEN)", "URL"},
        {"duration", 0, 0, G_OPTION_ARG_STRING, &cli->duration,
         "Stop cleanly after this many seconds (scripts, tests)", "SECONDS"},
        {"segment-minutes", 0, 0, G_OPTION_ARG_STRING, &cli->segment_minutes,
         "Start a new recording file every this many minutes (default 60)", "MINUTES"},
        {"keep-days", 0, 0, G_OPTION_ARG_STRING, &cli->keep_days,
         "Delete recordings older than this many days (default: keep)", "DAYS"},
        {"keep-gb", 0, 0, G_OPTION_ARG_STRING, &cli->keep_gb,
         "Delete the oldest recordings beyond this many GB in total (default: no limit)", "GB"},
        {"producer-token", 0, 0, G_OPTION_ARG_STRING, &cli->producer_token,
         "Producers' bearer token (default: $JOBCAST_PRODUCER_TOKEN, else a random one per run)",
         "TOKEN"},
        {"admin-listen", 0, 0, G_OPTION_ARG_STRING, &cli->admin_listen,
         "Second address for the control WebSocket, producer/host pages, preview and /metrics; "
         "the --listen address then serves only apply pages",
         "HOST:PORT"},
        {"trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->trusted_proxies,
         "A reverse proxy's address whose X-Forwarded-For is believed; repeatable", "ADDR"},
        {"max-connections", 0, 0, G_OPTION_ARG_STRING, &cli->max_connections,
         "Connections the public listener holds at most; more are closed at accept (default "
         "10000)",
         "N"},
        {"max-connections-per-address", 0, 0, G_OPTION_ARG_STRING,
         &cli->max_connections_per_address,
         "Connections one client address (IPv6: one /64) holds at most (default 256)", "N"},
        {"bench-commit-each", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &cli->commit_each,
         "Benchmarks only: commit every sign-up in its own transaction", NULL},
        {"help", 'h', 0, G_OPTION_ARG_NONE, &cli->help, "Show this help", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new("- recruitment livestream studio");
    g_option_context_set_help_enabled(ctx, FALSE);
    g_option_context_set_summary(
        ctx, "Broadcasts job postings with QR codes to RTMP platforms, records the show and\n"
             "takes viewers' sign-ups. Producers drive it from the control page.");
    g_option_context_set_description(
        ctx, "Every option can also be set in the --config file; the command line wins.\n"
             "Exit status: 0 after a clean stop (SIGINT, SIGTERM, --duration), 2 on bad usage,\n"
             "1 when the show could not run.\n");
    g_option_context_add_main_entries(ctx, entries, NULL);
    add_overlay_entries(ctx, cli);
    add_privacy_entries(ctx, cli);
    add_province_entries(ctx, cli);
    return ctx;
}

/* The host part of "HOST:PORT" without IPv6 brackets, or NULL if malformed. (transfer full) */
static char *listen_host(const char *value, const char *colon)
{
    if (colon == value)
        return NULL;
    if (value[0] == '[') {
        if (colon - value < 3 || colon[-1] != ']')
            return NULL;
        return g_strndup(value + 1, (gsize)(colon - value - 2));
    }
    g_autofree char *h = g_strndup(value, (gsize)(colon - value));
    if (strchr(h, ':') != NULL)
        return NULL; /* a bare IPv6 address needs brackets */
    return g_steal_pointer(&h);
}

gboolean jc_parse_listen(const char *value, char **host, int *port, GError **error)
{
    const char *colon = strrchr(value, ':');
    char *h = colon != NULL ? listen_host(value, colon) : NULL;
    guint64 p = 0;
    if (h == NULL || !g_ascii_string_to_unsigned(colon + 1, 10, 0, 65535, &p, NULL)) {
        g_free(h);
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--listen: '%s' is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080)", value);
        return FALSE;
    }
    *host = h;
    *port = (int)p;
    return TRUE;
}

/* Option --name's value, a whole number of unit from min to max, into *out; *out is left as it
 * is when the option was not given (value NULL). */
static gboolean parse_whole(const char *name, const char *value, guint64 min, guint64 max,
                            const char *unit, int *out, GError **error)
{
    guint64 v = 0;
    if (value == NULL)
        return TRUE;
    if (!g_ascii_string_to_unsigned(value, 10, min, max, &v, NULL)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--%s: '%s' is not a whole number of %s between %" G_GUINT64_FORMAT
                    " and %" G_GUINT64_FORMAT,
                    name, value, unit, min, max);
        return FALSE;
    }
    *out = (int)v;
    return TRUE;
}

/* FALSE with an error when option --name was given empty. */
static gboolean check_not_empty(const char *name, const char *value, GError **error)
{
    if (value == NULL || value[0] != '\0')
        return TRUE;
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "--%s: must not be empty", name);
    return FALSE;
}

static gboolean check_public_url(const char *value, GError **error)
{
    if ((g_str_has_prefix(value, "http://") || g_str_has_prefix(value, "https://")) &&
        strlen(value) > strlen("https://") && strpbrk(value, " \t\r\n?#") == NULL)
        return TRUE;
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                "--public-url: '%s' must be an http:// or https:// URL without query", value);
    return FALSE;
}

/* FALSE with an error naming the first key of the file's group that is no option. */
static gboolean check_keys(GKeyFile *kf, const char *path, GError **error)
{
    static const char *const known[] = {
        "listen",         "data-dir",     "input",         "output",
        "record",         "profile",      "public-url",    "duration",
        "producer-token", "admin-listen", "trusted-proxy", "segment-minutes",
        "keep-days",      "keep-gb",      "audio-device",  NULL};
    static const char *const service_keys[] = {"keep-signups-days",
                                               "operator-name",
                                               "operator-contact",
                                               "max-signups-per-phone-per-day",
                                               "max-connections",
                                               "max-connections-per-address",
                                               "csv-timezone",
                                               "province",
                                               "market",
                                               "market-name",
                                               NULL};
    static const char *const overlay_keys[] = {"transition", "transition-ms", "theme",
                                               "safe-area",  "theme-dir",     NULL};
    g_auto(GStrv) keys = g_key_file_get_keys(kf, GROUP, NULL, NULL);
    for (char **k = keys; k && *k; k++) {
        if (!g_strv_contains(known, *k) && !g_strv_contains(overlay_keys, *k) &&
            !g_strv_contains(service_keys, *k)) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "--config: unknown key '%s' in '%s'", *k,
                        path);
            return FALSE;
        }
    }
    return TRUE;
}

/* Fills what the command line left unset from the file. */
static gboolean merge_file(Cli *cli, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) err = NULL;
    if (!g_key_file_load_from_file(kf, cli->config, G_KEY_FILE_NONE, &err)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "--config: cannot read '%s': %s",
                    cli->config, err->message);
        return FALSE;
    }
    if (!g_key_file_has_group(kf, GROUP)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "--config: '%s' has no [" GROUP "] group",
                    cli->config);
        return FALSE;
    }
    if (!check_keys(kf, cli->config, error))
        return FALSE;
    struct {
        const char *key;
        char **slot;
    } strings[] = {
        {"listen", &cli->listen},
        {"data-dir", &cli->data_dir},
        {"input", &cli->input},
        {"profile", &cli->profile},
        {"public-url", &cli->public_url},
        {"duration", &cli->duration},
        {"segment-minutes", &cli->segment_minutes},
        {"keep-days", &cli->keep_days},
        {"keep-gb", &cli->keep_gb},
        {"audio-device", &cli->audio_device},
        {"producer-token", &cli->producer_token},
        {"admin-listen", &cli->admin_listen},
        {"max-connections", &cli->max_connections},
        {"max-connections-per-address", &cli->max_connections_per_address},
        {"transition", &cli->transition},
        {"transition-ms", &cli->transition_ms},
        {"theme", &cli->theme},
        {"theme-dir", &cli->theme_dir},
        {"safe-area", &cli->safe_area},
        {"keep-signups-days", &cli->keep_signups_days},
        {"operator-name", &cli->operator_name},
        {"operator-contact", &cli->operator_contact},
        {"max-signups-per-phone-per-day", &cli->max_signups_per_phone},
        {"sms-gateway", &cli->sms_gateway},
        {"sms-gateway-secret-file", &cli->sms_secret_file},
        {"csv-timezone", &cli->csv_timezone},
        {"province", &cli->province},
        {"market", &cli->market},
        {"market-name", &cli->market_name},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(strings); i++) {
        if (*strings[i].slot == NULL && g_key_file_has_key(kf, GROUP, strings[i].key, NULL))
            *strings[i].slot = g_key_file_get_string(kf, GROUP, strings[i].key, NULL);
    }
    if (cli->trusted_proxies == NULL && g_key_file_has_key(kf, GROUP, "trusted-proxy", NULL))
        cli->trusted_proxies = g_key_file_get_string_list(kf, GROUP, "trusted-proxy", NULL, NULL);
    if (cli->outputs == NULL && g_key_file_has_key(kf, GROUP, "output", NULL))
        cli->outputs = g_key_file_get_string_list(kf, GROUP, "output", NULL, NULL);
    if (!cli->no_record && g_key_file_has_key(kf, GROUP, "record", NULL)) {
        g_autoptr(GError) berr = NULL;
        gboolean record = g_key_file_get_boolean(kf, GROUP, "record", &berr);
        if (berr != NULL) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "--config: 'record' must be true or false in '%s'", cli->config);
            return FALSE;
        }
        cli->no_record = !record;
    }
    return TRUE;
}

/* The overlay's options: transition, its duration, theme file, safe area. */
static gboolean overlay_options(const Cli *cli, JcConfig *cfg, GError **error)
{
    const char *kind = cli->transition != NULL ? cli->transition : "cut";
    static const char *const kinds[] = {"cut", "fade", "slide", NULL};
    if (!g_strv_contains(kinds, kind)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--transition: '%s' is not cut, fade or slide", kind);
        return FALSE;
    }
    cfg->transition = g_strdup(kind);
    cfg->transition_ms = 400;
    if (!parse_whole("transition-ms", cli->transition_ms, 0, 5000, "milliseconds",
                     &cfg->transition_ms, error) ||
        !check_not_empty("theme", cli->theme, error))
        return FALSE;
    cfg->theme = g_strdup(cli->theme);
    if (!check_not_empty("theme-dir", cli->theme_dir, error))
        return FALSE;
    cfg->theme_dir = g_strdup(cli->theme_dir);
    cfg->has_safe_area = cli->safe_area != NULL;
    OvlSafeArea safe;
    if (cli->safe_area != NULL &&
        !ovl_theme_parse_safe_area(cli->safe_area, "--safe-area", &safe, error))
        return FALSE;
    if (cli->safe_area != NULL) {
        cfg->safe_area[0] = safe.top;
        cfg->safe_area[1] = safe.right;
        cfg->safe_area[2] = safe.bottom;
        cfg->safe_area[3] = safe.left;
    }
    return TRUE;
}

/* The secret in path: its first line, at most 4096 bytes. The error names the file, never what
 * it holds. (transfer full) or NULL. */
static char *read_secret(const char *option, const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    g_autoptr(GError) err = NULL;
    if (!g_file_get_contents(path, &text, &len, &err)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "--%s: %s", option, err->message);
        return NULL;
    }
    char *end = strpbrk(text, "\r\n");
    if (end != NULL)
        *end = '\0';
    g_strstrip(text);
    gsize n = strlen(text);
    if (n == 0 || n > 4096) {
        explicit_bzero(text, len);
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--%s: '%s' must hold one line of 1 to 4096 characters", option, path);
        return NULL;
    }
    char *secret = g_strdup(text);
    explicit_bzero(text, len);
    return secret;
}

/* SMS codes: the gateway and its secret come together; the test-only timings. */
static gboolean sms_options(const Cli *cli, JcConfig *cfg, GError **error)
{
    if (!parse_whole("test-sms-code-ms", cli->sms_code_ms, 1, 3600000, "milliseconds",
                     &cfg->sms_code_ms, error) ||
        !parse_whole("test-sms-resend-ms", cli->sms_resend_ms, 1, 3600000, "milliseconds",
                     &cfg->sms_resend_ms, error))
        return FALSE;
    if ((cli->sms_gateway != NULL) != (cli->sms_secret_file != NULL)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--sms-gateway and --sms-gateway-secret-file go together");
        return FALSE;
    }
    if (cli->sms_gateway == NULL)
        return TRUE;
    g_autoptr(GUri) uri = g_uri_parse(cli->sms_gateway, G_URI_FLAGS_NONE, NULL);
    const char *scheme = uri != NULL ? g_uri_get_scheme(uri) : "";
    if (uri == NULL || g_uri_get_host(uri) == NULL || g_uri_get_host(uri)[0] == '\0' ||
        (g_ascii_strcasecmp(scheme, "http") != 0 && g_ascii_strcasecmp(scheme, "https") != 0)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--sms-gateway: must be an http:// or https:// URL");
        return FALSE;
    }
    cfg->sms_secret = read_secret("sms-gateway-secret-file", cli->sms_secret_file, error);
    if (cfg->sms_secret == NULL)
        return FALSE;
    cfg->sms_gateway = g_strdup(cli->sms_gateway);
    return TRUE;
}

/* --csv-timezone: an IANA zone GLib knows (tzdata), or an offset such as +08:00; unset, the
 * machine's own zone (control's default). */
static gboolean csv_timezone(const char *zone, JcConfig *cfg, GError **error)
{
    if (zone == NULL)
        return TRUE;
    g_autoptr(GTimeZone) tz = zone[0] != '\0' ? g_time_zone_new_identifier(zone) : NULL;
    if (tz == NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--csv-timezone: '%s' is not a time zone (e.g. Asia/Shanghai, UTC, +08:00)",
                    zone);
        return FALSE;
    }
    cfg->csv_timezone = g_strdup(zone);
    return TRUE;
}

/* --output NAME=URI or URI (named outN by position), each checked (jc_output.h); a name given
 * twice is refused. */
static gboolean parse_outputs(char **specs, JcConfig *cfg, GError **error)
{
    guint n = specs != NULL ? g_strv_length(specs) : 0;
    cfg->outputs = g_new0(char *, n + 1);
    cfg->output_names = g_new0(char *, n + 1);
    for (guint i = 0; i < n; i++) {
        if (!jc_output_spec_parse(specs[i], i + 1, &cfg->output_names[i], &cfg->outputs[i],
                                  error)) {
            g_prefix_error(error, "--output: ");
            return FALSE;
        }
        for (guint j = 0; j < i; j++) {
            if (strcmp(cfg->output_names[j], cfg->output_names[i]) == 0) {
                g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                            "--output: two outputs are named %s (names must be unique)",
                            cfg->output_names[i]);
                return FALSE;
            }
        }
    }
    return TRUE;
}

/* The personal-data options: retention, the operator named in the notice, the per-phone limit. */
static gboolean privacy_options(const Cli *cli, JcConfig *cfg, GError **error)
{
    cfg->keep_signups_days = 180;
    cfg->max_signups_per_phone = 5;
    if (!parse_whole("keep-signups-days", cli->keep_signups_days, 0, 3650, "days",
                     &cfg->keep_signups_days, error) ||
        !parse_whole("max-signups-per-phone-per-day", cli->max_signups_per_phone, 0, 1000,
                     "postings", &cfg->max_signups_per_phone, error) ||
        !parse_whole("test-privacy-check-seconds", cli->privacy_check_seconds, 1, 3600, "seconds",
                     &cfg->privacy_check_seconds, error))
        return FALSE;
    const char *texts[] = {"operator-name", cli->operator_name, "operator-contact",
                           cli->operator_contact};
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i += 2) {
        if (texts[i + 1] != NULL &&
            (!g_utf8_validate(texts[i + 1], -1, NULL) || g_utf8_strlen(texts[i + 1], -1) > 200)) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "--%s: must be UTF-8 text of at most 200 characters", texts[i]);
            return FALSE;
        }
        if (!check_not_empty(texts[i], texts[i + 1], error))
            return FALSE;
    }
    cfg->operator_name = g_strdup(cli->operator_name);
    cfg->operator_contact = g_strdup(cli->operator_contact);
    return sms_options(cli, cfg, error) && csv_timezone(cli->csv_timezone, cfg, error);
}

/* The province link: --province and --market together or neither, --market-name only with
 * them. The URL is never quoted back (it holds a password); control checks it with libpq. */
static gboolean province_options(const Cli *cli, JcConfig *cfg, GError **error)
{
    if ((cli->province != NULL) != (cli->market != NULL)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    cli->province != NULL
                        ? "--province needs --market (this room's 6-digit market code)"
                        : "--market needs --province (the province's PostgreSQL URI)");
        return FALSE;
    }
    if (cli->market_name != NULL && cli->market == NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--market-name needs --market and --province");
        return FALSE;
    }
    if (!parse_whole("test-province-batch-rows", cli->province_batch_rows, 1, 100000, "rows",
                     &cfg->province_batch_rows, error))
        return FALSE;
    if (cli->province == NULL)
        return TRUE;
    if ((!g_str_has_prefix(cli->province, "postgresql://") &&
         !g_str_has_prefix(cli->province, "postgres://")) ||
        strpbrk(cli->province, " \t\r\n") != NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--province: must be a postgresql:// connection URI (not shown: it may hold "
                    "a password)");
        return FALSE;
    }
    const char *m = cli->market;
    gboolean code = strlen(m) == 6 && m[0] >= '1' && m[0] <= '9';
    for (int i = 0; code && i < 6; i++)
        code = g_ascii_isdigit(m[i]);
    if (!code) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--market: '%s' is not a 6-digit administrative-division code (e.g. 370102)",
                    m);
        return FALSE;
    }
    const char *name = cli->market_name;
    if (name != NULL && (!g_utf8_validate(name, -1, NULL) || g_utf8_strlen(name, -1) < 1 ||
                         g_utf8_strlen(name, -1) > 60)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "--market-name: must be UTF-8 text of 1 to 60 characters");
        return FALSE;
    }
    cfg->province = g_strdup(cli->province);
    cfg->market = g_strdup(m);
    cfg->market_name = g_strdup(name);
    return TRUE;
}

static JcConfig *build_config(Cli *cli, GError **error)
{
    g_autoptr(JcConfig) cfg = g_new0(JcConfig, 1);
    if (!jc_parse_listen(cli->listen ? cli->listen : "127.0.0.1:8080", &cfg->listen_host,
                         &cfg->listen_port, error))
        return NULL;
    cfg->segment_minutes = 60;
    if (!parse_whole("duration", cli->duration, 1, 7 * 24 * 3600, "seconds", &cfg->duration,
                     error) ||
        !parse_whole("segment-minutes", cli->segment_minutes, 1, 24 * 60, "minutes",
                     &cfg->segment_minutes, error) ||
        !parse_whole("keep-days", cli->keep_days, 0, 3650, "days", &cfg->keep_days, error) ||
        !parse_whole("keep-gb", cli->keep_gb, 0, 100000, "GB", &cfg->keep_gb, error) ||
        !parse_whole("max-connections", cli->max_connections, 16, 1000000, "connections",
                     &cfg->max_connections, error) ||
        !parse_whole("max-connections-per-address", cli->max_connections_per_address, 1, 1000000,
                     "connections", &cfg->max_connections_per_address, error))
        return NULL;
    if (cli->public_url != NULL) {
        if (!check_public_url(cli->public_url, error))
            return NULL;
        cfg->public_url = g_strdup(cli->public_url);
        gsize n = strlen(cfg->public_url);
        while (n > 0 && cfg->public_url[n - 1] == '/')
            cfg->public_url[--n] = '\0';
    }
    if (!check_not_empty("data-dir", cli->data_dir, error))
        return NULL;
    const char *token =
        cli->producer_token ? cli->producer_token : g_getenv("JOBCAST_PRODUCER_TOKEN");
    if (token != NULL && token[0] != '\0') {
        if (strlen(token) < 16 || strlen(token) > 256) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "--producer-token: must be 16 to 256 characters long");
            return NULL;
        }
        cfg->producer_token = g_strdup(token);
    }
    cfg->data_dir = g_strdup(cli->data_dir ? cli->data_dir : "./jobcast-data");
    cfg->input = g_strdup(cli->input ? cli->input : "test:");
    if (!parse_outputs(cli->outputs, cfg, error))
        return NULL;
    cfg->record = !cli->no_record;
    cfg->audio_device =
        cli->audio_device && *cli->audio_device ? g_strdup(cli->audio_device) : NULL;
    cfg->profile = g_strdup(cli->profile ? cli->profile : "720p30");
    if (cli->admin_listen != NULL) {
        g_autoptr(GError) err = NULL;
        if (!jc_parse_listen(cli->admin_listen, &cfg->admin_host, &cfg->admin_port, &err)) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "--admin-listen: '%s' is not HOST:PORT",
                        cli->admin_listen);
            return NULL;
        }
    }
    cfg->trusted_proxies =
        cli->trusted_proxies ? g_strdupv(cli->trusted_proxies) : g_new0(char *, 1);
    cfg->commit_each = cli->commit_each;
    if (!overlay_options(cli, cfg, error) || !privacy_options(cli, cfg, error) ||
        !province_options(cli, cfg, error))
        return NULL;
    if (cli->qr_blur != NULL &&
        (sscanf(cli->qr_blur, "%d,%d", &cfg->qr_blur_from, &cfg->qr_blur_to) != 2 ||
         cfg->qr_blur_from < 0 || cfg->qr_blur_to <= cfg->qr_blur_from)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "--test-qr-blur: FROM,TO in seconds");
        return NULL;
    }
    return g_steal_pointer(&cfg);
}

JcConfig *jc_config_parse(int argc, char **argv, char **help_text, GError **error)
{
    Cli cli = {0};
    GOptionContext *ctx = make_context(&cli);
    g_auto(GStrv) args = g_new0(char *, (gsize)argc + 1);
    for (int i = 0; i < argc; i++)
        args[i] = g_strdup(argv[i]);
    /* g_option_context_parse_strv shuffles and frees entries of the vector it is given. */
    JcConfig *cfg = NULL;
    if (!g_option_context_parse_strv(ctx, &args, error))
        goto out;
    if (cli.help) {
        *help_text = g_option_context_get_help(ctx, TRUE, NULL);
        goto out;
    }
    if (g_strv_length(args) > 1) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "unexpected argument '%s'", args[1]);
        goto out;
    }
    if (cli.config != NULL && !merge_file(&cli, error))
        goto out;
    cfg = build_config(&cli, error);
out:
    g_option_context_free(ctx);
    cli_clear(&cli);
    return cfg;
}

void jc_config_free(JcConfig *cfg)
{
    if (cfg == NULL)
        return;
    g_free(cfg->listen_host);
    g_free(cfg->data_dir);
    g_free(cfg->input);
    g_strfreev(cfg->outputs);
    g_strfreev(cfg->output_names);
    g_free(cfg->profile);
    g_free(cfg->public_url);
    g_free(cfg->producer_token);
    g_free(cfg->admin_host);
    g_strfreev(cfg->trusted_proxies);
    g_free(cfg->transition);
    g_free(cfg->theme);
    g_free(cfg->theme_dir);
    g_free(cfg->audio_device);
    g_free(cfg->operator_name);
    g_free(cfg->operator_contact);
    g_free(cfg->sms_gateway);
    if (cfg->sms_secret != NULL)
        explicit_bzero(cfg->sms_secret, strlen(cfg->sms_secret));
    g_free(cfg->sms_secret);
    g_free(cfg->csv_timezone);
    if (cfg->province != NULL)
        explicit_bzero(cfg->province, strlen(cfg->province));
    g_free(cfg->province);
    g_free(cfg->market);
    g_free(cfg->market_name);
    g_free(cfg);
}

char *jc_config_token(const JcConfig *cfg, GError **error)
{
    guint8 raw[16];
    if (cfg->producer_token != NULL)
        return g_strdup(cfg->producer_token);
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        g_set_error(error, JC_ERROR, JC_ERROR_IO, "getrandom: %s", g_strerror(errno));
        return NULL;
    }
    GString *hex = g_string_sized_new(2 * sizeof raw);
    for (gsize i = 0; i < sizeof raw; i++)
        g_string_append_printf(hex, "%02x", raw[i]);
    return g_string_free(hex, FALSE);
}
