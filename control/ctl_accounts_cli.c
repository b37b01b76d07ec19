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
    "Usage: jobcast accounts add NAME --role producer|host [--data-dir DIR]\n"
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

int ctl_accounts_command(int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : NULL;
    const char *name = NULL;
    const char *role = NULL;
    const char *data_dir = "./jobcast-data";
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            role = argv[++i];
        else if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc)
            data_dir = argv[++i];
        else if (argv[i][0] == '-')
            return fail_usage("unknown option");
        else if (name == NULL)
            name = argv[i];
        else
            return fail_usage("too many arguments");
    }
    if (verb == NULL || strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
        fputs(usage, verb == NULL ? stderr : stdout);
        return verb == NULL ? 2 : 0;
    }
    gboolean is_list = strcmp(verb, "list") == 0;
    gboolean is_passwd = strcmp(verb, "passwd") == 0;
    if (!is_list && !is_passwd && strcmp(verb, "add") != 0 && strcmp(verb, "rotate") != 0 &&
        strcmp(verb, "revoke") != 0)
        return fail_usage("unknown command");
    if (!is_list && name == NULL)
        return fail_usage("NAME is required");
    if (strcmp(verb, "add") == 0 && role == NULL)
        return fail_usage("--role producer|host is required");

    g_autoptr(GError) error = NULL;
    g_autofree char *db = g_build_filename(data_dir, "jobcast.db", NULL);
    if (!g_file_test(data_dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr,
                "jobcast accounts: no data folder %s (start jobcast once, or pass "
                "--data-dir)\n",
                data_dir);
        return 1;
    }
    CtlStore *store = ctl_store_open(db, &error);
    if (store == NULL) {
        fprintf(stderr, "jobcast accounts: %s\n", error->message);
        return 1;
    }
    int code = 0;
    g_autofree char *token =
        is_list || is_passwd || strcmp(verb, "revoke") == 0 ? NULL : ctl_auth_token_new();
    g_autofree char *hash = token != NULL ? ctl_auth_token_hash(token) : NULL;
    if (strcmp(verb, "add") == 0) {
        if (ctl_store_account_add(store, name, role, hash, &error) <= 0)
            code = 1;
    } else if (strcmp(verb, "rotate") == 0) {
        if (!ctl_store_account_rotate(store, name, hash, &error))
            code = 1;
    } else if (is_passwd) {
        /* From stdin, not argv: arguments are visible to every user in ps. */
        char line[4 * CTL_AUTH_PASSWORD_MAX + 2] = "";
        if (fgets(line, sizeof line, stdin) == NULL)
            line[0] = '\0';
        line[strcspn(line, "\r\n")] = '\0';
        g_autofree char *pw_hash = ctl_auth_password_hash(line, &error);
        memset(line, 0, sizeof line);
        if (pw_hash == NULL || !ctl_store_account_set_password(store, name, pw_hash, &error))
            code = 1;
        else
            printf("password set for %s\n", name);
    } else if (strcmp(verb, "revoke") == 0) {
        if (!ctl_store_account_revoke(store, name, &error))
            code = 1;
        else
            printf("revoked %s\n", name);
    } else {
        g_autoptr(GPtrArray) list = ctl_store_list_accounts(store, &error);
        if (list == NULL)
            code = 1;
        for (guint i = 0; list != NULL && i < list->len; i++) {
            CtlAccount *a = list->pdata[i];
            printf("%s\t%s\t%s\t%s\n", a->name, a->role, a->created_at,
                   a->revoked_at != NULL ? "revoked" : "active");
        }
    }
    if (code == 0 && token != NULL)
        printf("%s\n", token);
    if (code != 0)
        fprintf(stderr, "jobcast accounts: %s\n", error->message);
    ctl_store_close(store);
    return code;
}
