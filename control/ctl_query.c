/* ctl_query: query arguments by name (see ctl_query.h).
 *
 * lws_get_urlarg_by_name() copies each fragment into the caller's one buffer and stops at the
 * first that does not fit: a long employer name before show_id hid show_id. Here every
 * fragment is measured first (lws_hdr_fragment_length) and copied whole. */
#include "ctl_query.h"

#include <string.h>

/* lws keeps at most a few hundred fragments per request; more are never looked at. */
#define ARGS_MAX 256

char *ctl_query_arg(struct lws *wsi, const char *name)
{
    gsize n = strlen(name);
    for (int i = 0; i < ARGS_MAX; i++) {
        int len = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (len <= 0 || (gsize)len < n)
            continue;
        g_autofree char *frag = g_malloc((gsize)len + 1);
        if (lws_hdr_copy_fragment(wsi, frag, len + 1, WSI_TOKEN_HTTP_URI_ARGS, i) < 0)
            continue;
        if (strncmp(frag, name, n) != 0 || (frag[n] != '=' && frag[n] != '\0'))
            continue;
        return g_strdup(frag[n] == '=' ? frag + n + 1 : "");
    }
    return NULL;
}
