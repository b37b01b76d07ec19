/* jc_output: output names and URIs checked by one rule (see jc_output.h).
 *
 * GLib parses the URI; the checks are the ones the streamer needs to build the output (a host and
 * a path for RTMP, a host and a port for SRT, an absolute path with a known container for a
 * file), so that whatever passes here can be built and whatever cannot is refused before it is
 * stored or started. */
#include "jc_output.h"

#include <string.h>

#include "jc_error.h"
#include "jc_uri.h"

gboolean jc_output_name_check(const char *name, GError **error)
{
    gsize n = name != NULL ? strlen(name) : 0;
    if (n == 0 || n > JC_OUTPUT_NAME_MAX) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "name: must be 1 to %d characters of a-z, 0-9 and '-'", JC_OUTPUT_NAME_MAX);
        return FALSE;
    }
    for (gsize i = 0; i < n; i++) {
        char c = name[i];
        if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "name: only a-z, 0-9 and '-' are allowed (1 to %d characters)",
                        JC_OUTPUT_NAME_MAX);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean invalid(GError **error, const char *uri, const char *what)
{
    g_autofree char *safe = jc_uri_redact(uri);
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "output %s: %s", safe, what);
    return FALSE;
}

/* Printable ASCII without spaces, within the length cap. */
static gboolean plain_text(const char *uri, GError **error)
{
    gsize n = strlen(uri);
    if (n == 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "uri: must not be empty");
        return FALSE;
    }
    if (n > JC_OUTPUT_URI_MAX) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "uri: at most %d bytes", JC_OUTPUT_URI_MAX);
        return FALSE;
    }
    for (gsize i = 0; i < n; i++) {
        guchar c = (guchar)uri[i];
        if (c <= 0x20 || c >= 0x7f) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "uri: only printable ASCII without spaces (percent-encode the rest)");
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean check_rtmp(const char *uri, GError **error)
{
    g_autoptr(GUri) parsed = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL);
    if (parsed == NULL || g_uri_get_host(parsed) == NULL || *g_uri_get_host(parsed) == '\0' ||
        strlen(g_uri_get_path(parsed)) < 2)
        return invalid(error, uri, "an RTMP URL needs a host and a path (rtmp://host/app/key)");
    return TRUE;
}

static gboolean check_srt(const char *uri, GError **error)
{
    g_autoptr(GUri) parsed = g_uri_parse(uri, G_URI_FLAGS_NON_DNS, NULL);
    if (parsed == NULL || g_uri_get_host(parsed) == NULL || *g_uri_get_host(parsed) == '\0' ||
        g_uri_get_port(parsed) <= 0)
        return invalid(error, uri, "an SRT URL needs a host and a port (srt://host:port)");
    return TRUE;
}

static gboolean check_file(const char *uri, GError **error)
{
    g_autofree char *path = g_filename_from_uri(uri, NULL, NULL);
    if (path == NULL)
        return invalid(error, uri, "not a valid file:// URI (needs an absolute path)");
    if (!g_str_has_suffix(path, ".mkv") && !g_str_has_suffix(path, ".mp4") &&
        !g_str_has_suffix(path, ".flv"))
        return invalid(error, uri, "a file output must end in .mkv, .mp4 or .flv");
    return TRUE;
}

gboolean jc_output_uri_check(const char *uri, JcOutputKind *kind, GError **error)
{
    if (uri == NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "uri: missing");
        return FALSE;
    }
    if (!plain_text(uri, error))
        return FALSE;
    JcOutputKind k;
    gboolean ok;
    if (g_str_has_prefix(uri, "rtmp://") || g_str_has_prefix(uri, "rtmps://")) {
        k = JC_OUTPUT_RTMP;
        ok = check_rtmp(uri, error);
    } else if (g_str_has_prefix(uri, "srt://")) {
        k = JC_OUTPUT_SRT;
        ok = check_srt(uri, error);
    } else if (g_str_has_prefix(uri, "file://")) {
        k = JC_OUTPUT_FILE;
        ok = check_file(uri, error);
    } else {
        return invalid(error, uri, "unsupported scheme (use rtmp://, rtmps://, srt:// or file://)");
    }
    if (ok && kind != NULL)
        *kind = k;
    return ok;
}

gboolean jc_output_spec_parse(const char *spec, guint position, char **name, char **uri,
                              GError **error)
{
    *name = NULL;
    *uri = NULL;
    const char *eq = strchr(spec, '=');
    const char *colon = strchr(spec, ':');
    g_autofree char *n = NULL;
    const char *u = spec;
    if (eq != NULL && (colon == NULL || colon > eq)) {
        n = g_strndup(spec, (gsize)(eq - spec));
        u = eq + 1;
    } else {
        n = g_strdup_printf("out%u", position);
    }
    if (!jc_output_name_check(n, error) || !jc_output_uri_check(u, NULL, error))
        return FALSE;
    *name = g_steal_pointer(&n);
    *uri = g_strdup(u);
    return TRUE;
}
