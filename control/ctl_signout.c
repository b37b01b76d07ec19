/* ctl_signout: notices accounts whose credentials another process changed, and signs them out.
 *
 * Main thread only (a GLib timer on the server's loop; the store's main connection).
 * `jobcast accounts rotate|revoke|passwd` is a second process writing the same database: its
 * change stops the old token at once (every check reads the table), but the sessions and
 * WebSockets the server holds in memory know nothing of it. Every change of credentials adds
 * one to the account's generation (ctl_store_accounts.c), and every session and WebSocket
 * remembers the generation it was opened under (ctl_access.h's CtlWho). Once every
 * CTL_SIGNOUT_CHECK_MS this asks SQLite whether another connection has committed since
 * (PRAGMA data_version: no read of the database); only then does it read the accounts, and for
 * each it signs out what was opened under an older generation (ctl_ws_sign_out: the sessions
 * end, the WebSockets close with 1008 "signed out", as the accounts.* methods do it).
 *
 * Invariant: what was opened under the current generation is never touched, so a sign-in with
 * the new token or password before the check comes round survives it. Another connection's
 * commit may be anything (a sign-up from the store's writer thread, most often): the accounts
 * are then read again, a few rows, at most once per check. Not responsible for the changes the
 * server makes itself (ctl_accounts.c signs out at once; its own commits do not change its own
 * connection's data_version). */
#include "ctl_signout.h"

struct CtlSignout {
    CtlStore *store;     /* borrowed */
    CtlWs *ws;           /* borrowed */
    guint timer;         /* the check's GSource id */
    gint64 data_version; /* the last PRAGMA data_version read; -1 before the first */
    gboolean failing;    /* the last check failed (logged once until one works again) */
};

static void report(CtlSignout *w, const GError *error)
{
    if (!w->failing)
        g_message("control: cannot check for changed accounts: %s", error->message);
    w->failing = TRUE;
}

/* Signs every account out of what it opened under an older generation than its own. */
static void sign_out_stale(CtlSignout *w)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) accounts = ctl_store_list_accounts(w->store, &error);
    if (accounts == NULL) {
        report(w, error);
        w->data_version = -1; /* read them again at the next check */
        return;
    }
    for (guint i = 0; i < accounts->len; i++) {
        const CtlAccount *a = accounts->pdata[i];
        ctl_ws_sign_out(w->ws, a->name, a->generation);
    }
    w->failing = FALSE;
}

static gboolean check(gpointer data)
{
    CtlSignout *w = data;
    g_autoptr(GError) error = NULL;
    gint64 version = ctl_store_data_version(w->store, &error);
    if (version < 0) {
        report(w, error);
        return G_SOURCE_CONTINUE;
    }
    if (version != w->data_version) {
        w->data_version = version;
        sign_out_stale(w);
    }
    return G_SOURCE_CONTINUE;
}

CtlSignout *ctl_signout_new(CtlStore *store, CtlWs *ws)
{
    CtlSignout *w = g_new0(CtlSignout, 1);
    w->store = store;
    w->ws = ws;
    /* Nothing is signed in yet: the first version read is the baseline. */
    w->data_version = ctl_store_data_version(store, NULL);
    w->timer = g_timeout_add(CTL_SIGNOUT_CHECK_MS, check, w);
    return w;
}

void ctl_signout_free(CtlSignout *w)
{
    if (w == NULL)
        return;
    if (w->timer != 0)
        g_source_remove(w->timer);
    g_free(w);
}
