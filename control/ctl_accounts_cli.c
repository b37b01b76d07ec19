/* ctl_accounts_cli: `jobcast accounts add|rotate|revoke|list`, managing producer and host
 * credentials from the command line on the same database the server uses.
 *
 * Runs alone on the calling thread (a short-lived process; the server may be running at the
 * same time: SQLite's locking and busy timeout keep the two apart). A new token is printed
 * once and never stored in the clear. */
#include <stdio.h>
#include <string.h>

#include "ctl_auth.h"
#include "ctl_control.h"
#include "ctl_store.h"
#include "jc_error.h"

static const char usage[] =
    "Usage: jobcast accounts add NAME --role producer|host|overlay [--data-dir DIR]\n"
    "       jobcast accounts rotate NAME [--data-dir DIR]\n"
    "       jobcast accounts revoke NAME [--data-dir DIR]\n"
    "       jobcast accounts passwd NAME [--data-dir DIR]   (reads the password from stdin)\n"
    "       jobcast accounts list [--data-dir DIR]\n"
    "add and rotate print a new API token once; use it as `Authorization: Bearer TOKEN` or\n"
    "open http://HOST:PORT/login?token=TOKEN. DIR defaults to ./jobcast-data.\n";

static int fail_usage(const char *why)
{
    fprintf(stderr, "jobcast accounts: %s\n%s", why, usage);
    return 2;
}

typedef struct {
    const char *verb;
    const char *name;
    const char *role;
    const char *data_dir;
} Args;

/* Fills a from argv; returns -1 when they are usable, else the exit status (usage printed). */
static int parse_args(int argc, char **argv, Args *a)
{
    a->verb = argc > 1 ? argv[1] : NULL;
    a->data_dir = "./jobcast-data";
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            a->role = argv[++i];
        else if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc)
            a->data_dir = argv[++i];
        else if (argv[i][0] == '-')
            return fail_usage("unknown option");
        else if (a->name == NULL)
            a->name = argv[i];
        else
            return fail_usage("too many arguments");
    }
    if (a->verb == NULL || strcmp(a->verb, "--help") == 0 || strcmp(a->verb, "-h") == 0) {
        fputs(usage, a->verb == NULL ? stderr : stdout);
        return a->verb == NULL ? 2 : 0;
    }
    gboolean is_list = strcmp(a->verb, "list") == 0;
    if (!is_list && strcmp(a->verb, "passwd") != 0 && strcmp(a->verb, "add") != 0 &&
        strcmp(a->verb, "rotate") != 0 && strcmp(a->verb, "revoke") != 0)
        return fail_usage("unknown command");
    if (!is_list && a->name == NULL)
        return fail_usage("NAME is required");
    if (strcmp(a->verb, "add") == 0 && a->role == NULL)
        return fail_usage("--role producer|host|overlay is required");
    return -1;
}

/* passwd: the password from stdin, not argv (arguments are visible to every user in ps). */
static gboolean set_password(CtlStore *store, const char *name, GError **error)
{
    char line[4 * CTL_AUTH_PASSWORD_MAX + 2] = "";
    if (fgets(line, sizeof line, stdin) == NULL)
        line[0] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    g_autofree char *pw_hash = ctl_auth_password_hash(line, error);
    memset(line, 0, sizeof line);
    if (pw_hash == NULL || !ctl_store_account_set_password(store, name, pw_hash, error))
        return FALSE;
    printf("password set for %s\n", name);
    return TRUE;
}

static gboolean list_accounts(CtlStore *store, GError **error)
{
    g_autoptr(GPtrArray) list = ctl_store_list_accounts(store, error);
    if (list == NULL)
        return FALSE;
    for (guint i = 0; i < list->len; i++) {
        CtlAccount *a = list->pdata[i];
        printf("%s\t%s\t%s\t%s\n", a->name, a->role, a->created_at,
               a->revoked_at != NULL ? "revoked" : "active");
    }
    return TRUE;
}

/* Runs the verb on store; a new token (add, rotate) is printed once. */
static gboolean run(CtlStore *store, const Args *a, GError **error)
{
    const char *verb = a->verb;
    if (strcmp(verb, "passwd") == 0)
        return set_password(store, a->name, error);
    if (strcmp(verb, "list") == 0)
        return list_accounts(store, error);
    if (strcmp(verb, "revoke") == 0) {
        if (!ctl_store_account_revoke(store, a->name, error))
            return FALSE;
        printf("revoked %s\n", a->name);
        return TRUE;
    }
    g_autofree char *token = ctl_auth_token_new();
    g_autofree char *hash = ctl_auth_token_hash(token);
    gboolean ok = strcmp(verb, "add") == 0
                      ? ctl_store_account_add(store, a->name, a->role, hash, error) > 0
                      : ctl_store_account_rotate(store, a->name, hash, error);
    if (ok)
        printf("%s\n", token);
    return ok;
}

int ctl_accounts_command(int argc, char **argv)
{
    Args a = {0};
    int status = parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    g_autoptr(GError) error = NULL;
    g_autofree char *db = g_build_filename(a.data_dir, "jobcast.db", NULL);
    if (!g_file_test(a.data_dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr,
                "jobcast accounts: no data folder %s (start jobcast once, or pass "
                "--data-dir)\n",
                a.data_dir);
        return 1;
    }
    CtlStore *store = ctl_store_open(db, &error);
    if (store == NULL) {
        fprintf(stderr, "jobcast accounts: %s\n", error->message);
        return 1;
    }
    int code = run(store, &a, &error) ? 0 : 1;
    if (code != 0)
        fprintf(stderr, "jobcast accounts: %s\n", error->message);
    ctl_store_close(store);
    return code;
}
