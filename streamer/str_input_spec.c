/* str_input_spec: an input URI read into kind, source and options (see str_input_spec.h).
 *
 * Threads: none of its own; no state. */
#include "str_input_spec.h"

#include <string.h>

#include "jc_error.h"

static gboolean query_flag(const char *query, const char *name)
{
    if (query == NULL) {
        return FALSE;
    }
    g_autoptr(GHashTable) params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, NULL);
    const char *v = params != NULL ? g_hash_table_lookup(params, name) : NULL;
    return v != NULL && (g_strcmp0(v, "1") == 0 || g_ascii_strcasecmp(v, "true") == 0);
}

static gboolean parse_file(const char *uri, const char *safe_uri, StrInputSpec *in, GError **error)
{
    const char *q = strchr(uri, '?');
    g_autofree char *bare = q != NULL ? g_strndup(uri, (gsize)(q - uri)) : g_strdup(uri);
    g_autofree char *path = g_filename_from_uri(bare, NULL, NULL);
    if (path == NULL || !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "input %s: %s", safe_uri,
                    path == NULL ? "not a valid file:// URI (needs an absolute path)"
                                 : "no such file");
        return FALSE;
    }
    in->kind = STR_INPUT_FILE;
    in->source = g_steal_pointer(&bare);
    in->loop = query_flag(q != NULL ? q + 1 : NULL, "loop");
    g_autoptr(GHashTable) params =
        q != NULL ? g_uri_parse_params(q + 1, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
    const char *audio = params != NULL ? g_hash_table_lookup(params, "audio") : NULL;
    if (audio != NULL) {
        /* A separate sound track (a raw Y4M picture has none): audio=file:///x.wav */
        g_autofree char *apath = g_filename_from_uri(audio, NULL, NULL);
        if (apath == NULL || !g_file_test(apath, G_FILE_TEST_IS_REGULAR)) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "input %s: audio=%s: no such file",
                        safe_uri, audio);
            return FALSE;
        }
        in->audio_source = g_strdup(audio);
    }
    return TRUE;
}

static gboolean parse_srt(const char *uri, const char *safe_uri, StrInputSpec *in, GError **error)
{
    g_autoptr(GUri) u = g_uri_parse(uri, G_URI_FLAGS_NON_DNS, NULL);
    if (u == NULL || g_uri_get_port(u) <= 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "input %s: an SRT URI needs a port (srt://:9000 to listen)", safe_uri);
        return FALSE;
    }
    const char *host = g_uri_get_host(u);
    g_autoptr(GHashTable) params =
        g_uri_get_query(u) != NULL
            ? g_uri_parse_params(g_uri_get_query(u), -1, "&", G_URI_PARAMS_NONE, NULL)
            : NULL;
    const char *mode = params != NULL ? g_hash_table_lookup(params, "mode") : NULL;
    in->listener = g_strcmp0(mode, "listener") == 0 || (mode == NULL && (host == NULL || !*host));
    in->kind = STR_INPUT_SRT;
    in->source = g_strdup(uri);
    return TRUE;
}

gboolean str_input_spec_parse(const char *uri, const char *safe_uri, StrInputSpec *in,
                              GError **error)
{
    if (g_strcmp0(uri, "test:") == 0) {
        in->kind = STR_INPUT_TEST;
        return TRUE;
    }
    if (g_str_has_prefix(uri, "file://")) {
        return parse_file(uri, safe_uri, in, error);
    }
    if (g_str_has_prefix(uri, "srt://")) {
        return parse_srt(uri, safe_uri, in, error);
    }
    if (g_str_has_prefix(uri, "rtsp://") || g_str_has_prefix(uri, "rtmp://") ||
        g_str_has_prefix(uri, "rtmps://")) {
        in->kind = STR_INPUT_PULL;
        in->source = g_strdup(uri);
        return TRUE;
    }
    if (g_str_has_prefix(uri, "v4l2://") && strlen(uri) > strlen("v4l2://") + 1 &&
        uri[strlen("v4l2://")] == '/') {
        in->kind = STR_INPUT_V4L2;
        in->source = g_strdup(uri + strlen("v4l2://"));
        return TRUE;
    }
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                "input %s not supported; use test:, file:///path[?loop=1], srt://:PORT, "
                "rtsp://..., rtmp://... or v4l2:///dev/videoN",
                safe_uri);
    return FALSE;
}

void str_input_spec_clear(StrInputSpec *spec)
{
    g_clear_pointer(&spec->source, g_free);
    g_clear_pointer(&spec->audio_source, g_free);
}
