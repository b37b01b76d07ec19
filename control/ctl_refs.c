/* ctl_refs: signed apply-page references (see ctl_refs.h).
 *
 * Main thread only. A forged or stale reference only moves a sign-up between shows (it falls
 * back to the live one); the signature is still compared in constant time. */
#include "ctl_refs.h"

#include <sodium.h>
#include <string.h>

#define KEY_LEN 32
#define SIG_LEN 16 /* hex characters of the HMAC-SHA256 kept */

struct CtlRefs {
    guint8 key[KEY_LEN];
};

CtlRefs *ctl_refs_new(CtlStore *store)
{
    CtlRefs *refs = g_new0(CtlRefs, 1);
    g_autofree char *saved = ctl_store_get_state(store, "ref_key", NULL);
    gsize len = 0;
    g_autofree guchar *raw = saved != NULL ? g_base64_decode(saved, &len) : NULL;
    if (raw != NULL && len == KEY_LEN) {
        memcpy(refs->key, raw, KEY_LEN);
        return refs;
    }
    if (sodium_init() < 0)
        g_error("control: libsodium cannot start");
    randombytes_buf(refs->key, KEY_LEN);
    g_autofree char *text = g_base64_encode(refs->key, KEY_LEN);
    g_autoptr(GError) error = NULL;
    if (!ctl_store_set_state(store, "ref_key", text, &error))
        g_message("control: saving the apply-page key: %s", error->message);
    return refs;
}

void ctl_refs_free(CtlRefs *refs)
{
    if (refs == NULL)
        return;
    sodium_memzero(refs->key, KEY_LEN);
    g_free(refs);
}

static void signature(const CtlRefs *refs, gint64 posting_id, gint64 show_id, char out[SIG_LEN + 1])
{
    g_autofree char *msg =
        g_strdup_printf("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, posting_id, show_id);
    g_autoptr(GHmac) h = g_hmac_new(G_CHECKSUM_SHA256, refs->key, KEY_LEN);
    g_hmac_update(h, (const guchar *)msg, -1);
    g_strlcpy(out, g_hmac_get_string(h), SIG_LEN + 1);
}

char *ctl_refs_make(const CtlRefs *refs, gint64 posting_id, gint64 show_id)
{
    char sig[SIG_LEN + 1];
    signature(refs, posting_id, show_id, sig);
    return g_strdup_printf("%" G_GINT64_FORMAT ".%s", show_id, sig);
}

gint64 ctl_refs_signup_show(const CtlRefs *refs, gint64 posting_id, const char *ref,
                            gint64 live_show)
{
    const char *dot = ref != NULL ? strchr(ref, '.') : NULL;
    if (dot == NULL || dot - ref >= 20 || strlen(dot + 1) != SIG_LEN)
        return live_show;
    g_autofree char *num = g_strndup(ref, (gsize)(dot - ref));
    guint64 show = 0;
    if (!g_ascii_string_to_unsigned(num, 10, 0, G_MAXINT64, &show, NULL))
        return live_show;
    char sig[SIG_LEN + 1];
    signature(refs, posting_id, (gint64)show, sig);
    if (sodium_memcmp(sig, dot + 1, SIG_LEN) == 0)
        return (gint64)show;
    return live_show;
}
