/* jc_config: jobcast's settings, from the command line and an optional INI file (--config).
 *
 * The command line wins over the file; the file wins over the built-in defaults. Runs once on
 * the main thread at start-up; the result is read-only afterwards. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    char *listen_host;      /* owned; "127.0.0.1" */
    int listen_port;        /* 8080; 0 = any free port */
    char *data_dir;         /* owned; "./jobcast-data" */
    char *input;            /* owned; "test:" */
    char **outputs;         /* owned, NULL-terminated, never NULL: the URIs of --output */
    char **output_names;    /* owned, parallel to outputs: NAME of NAME=URI, else outN */
    gboolean record;        /* TRUE unless --no-record */
    char *profile;          /* owned; "720p30" */
    char *public_url;       /* owned, no trailing slash; NULL = derived from the listen address */
    int duration;           /* seconds; 0 = run until a signal */
    char *producer_token;   /* owned; NULL = a random one is minted for this run */
    char *admin_host;       /* owned; NULL = no admin listener (--admin-listen) */
    int admin_port;         /* with admin_host */
    char **trusted_proxies; /* owned, NULL-terminated, never NULL (--trusted-proxy) */
    int max_connections;    /* public listener's connections; 0 = control's default */
    int max_connections_per_address; /* per client address; 0 = control's default */
    gboolean commit_each;            /* hidden --bench-commit-each: one transaction per sign-up */
    char *transition;          /* owned; how a take enters: "cut" (default), "fade" or "slide" */
    int transition_ms;         /* duration of a fade or slide; 400 */
    char *theme;               /* owned; the overlay's theme file (--theme), NULL = built-in */
    char *theme_dir;           /* owned; themes to switch to on air (--theme-dir), NULL = none */
    gboolean has_safe_area;    /* --safe-area given: safe_area overrides the theme's */
    double safe_area[4];       /* top, right, bottom, left margins in % of the frame */
    int segment_minutes;       /* a new recording file every this many minutes; 60 */
    int keep_days;             /* recordings older than this are deleted; 0 = kept */
    int keep_gb;               /* oldest recordings deleted beyond this total; 0 = no limit */
    char *audio_device;        /* owned; sound when the input has none; NULL = silence */
    int keep_signups_days;     /* sign-ups older are purged; 180; 0 = kept */
    char *operator_name;       /* owned; the apply page's notice names it; NULL = not set */
    char *operator_contact;    /* owned; NULL = not set */
    int max_signups_per_phone; /* postings per phone per 24 h; 5; 0 = no limit */
    int privacy_check_seconds; /* hidden --test-privacy-check-seconds; 0 = hourly */
    int qr_blur_from;          /* hidden --test-qr-blur FROM,TO: the QR monitor blurs its scans */
    int qr_blur_to;            /* between these seconds after a program starts (0,0: never) */
    char *sms_gateway;         /* owned; SMS codes for every sign-up through it; NULL = off */
    char *sms_secret;          /* owned; the gateway's bearer token (from its file; never logged) */
    int sms_code_ms;           /* hidden --test-sms-code-ms; 0 = ten minutes */
    int sms_resend_ms;         /* hidden --test-sms-resend-ms; 0 = a minute */
    char *csv_timezone;        /* owned; exports' time zone (--csv-timezone), NULL = local */
    char *province;            /* owned; the province's PostgreSQL URI (a secret); NULL = off */
    char *market;              /* owned; with province: the 6-digit market code */
    char *market_name;         /* owned; NULL = the code */
    int province_batch_rows;   /* hidden --test-province-batch-rows; 0 = control's default */
} JcConfig;

/* Parses argv (which it does not modify) into a new config. Returns NULL with error set
 * (G_OPTION_ERROR or G_KEY_FILE_ERROR or JC_ERROR_INVALID, message ready for the user) on an
 * unknown option, a bad value or an unreadable config file. With --help, returns NULL with
 * error unset and *help_text set (transfer full) to print. */
JcConfig *jc_config_parse(int argc, char **argv, char **help_text, GError **error);

/* The producers' bearer token for this run: the configured one, else 128 random bits from the
 * kernel's CSPRNG as hex. NULL with JC_ERROR_IO when there is no randomness. (transfer full) */
char *jc_config_token(const JcConfig *cfg, GError **error);

void jc_config_free(JcConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JcConfig, jc_config_free)

/* Splits "HOST:PORT", "[V6]:PORT" into its parts. FALSE with JC_ERROR_INVALID if malformed. */
gboolean jc_parse_listen(const char *value, char **host, int *port, GError **error);

G_END_DECLS
