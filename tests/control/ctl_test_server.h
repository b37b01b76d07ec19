/* ctl_test_server: the server the control tests play against: the real jobcast binary as a
 * child process on a data folder of its own (CtlTestServer), or control itself inside the test
 * over a fresh store (CtlTestControl). For
 * the tests that play a viewer or an attacker against it.
 *
 * Threads: the test's thread; jobcast runs as a child (JOBCAST_BUILD_DIR/jobcast) that dies with
 * the test, its stderr in LOG inside the data folder. */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "ctl_control.h"
#include "ctl_store.h"

typedef struct {
    char *dir;         /* owned: the data folder (a fresh temp folder) */
    char *db_path;     /* owned: DIR/jobcast.db */
    char *log;         /* owned: jobcast's stderr, DIR/stderr.log */
    int port;          /* the listener of the last start */
    GSubprocess *proc; /* owned while running */
    SoupSession *soup; /* owned: a client for the test's requests */
} CtlTestServer;

/* A fresh folder and client; nothing runs yet. (transfer full) */
CtlTestServer *ctl_test_server_new(void);
/* Stops (asserting a clean exit) and removes the folder. NULL ok. */
void ctl_test_server_free(CtlTestServer *t);

/* A TCP port free on 127.0.0.1 just now. */
int ctl_test_free_port(void);

/* Starts jobcast (listen 127.0.0.1:free, --no-record, portrait profile, producer token token)
 * with extra options (NULL-terminated, may be NULL) and waits until /healthz answers. */
void ctl_test_server_start(CtlTestServer *t, const char *token, const char *const *extra);
/* SIGTERM, and asserts it exited 0. Nothing when not running. */
void ctl_test_server_stop(CtlTestServer *t);

/* The whole stderr log so far. (transfer full) */
char *ctl_test_server_log(CtlTestServer *t);

/* One integer from sql on the database (through the test's own connection). */
gint64 ctl_test_server_db_int(CtlTestServer *t, const char *sql);

/* A request to the server: method, path, content type and body (may be NULL), optional
 * Authorization; redirects are not followed. *status gets the status, *location the Location
 * header (transfer full, may be NULL). (transfer full) the body. */
char *ctl_test_server_request(CtlTestServer *t, const char *method, const char *path,
                              const char *type, const char *body, const char *authorization,
                              guint *status, char **location);

/* ---- an in-process server: control's own tests ---- */

/* A server on 127.0.0.1 inside the test, over a fresh store in a temp folder. */
typedef struct {
    char *dir;           /* owned: the temp folder */
    CtlStore *store;     /* owned: DIR/jobcast.db, seeded with the sample postings */
    CtlControl *control; /* owned, NULL until started */
    int port;
    SoupSession *soup; /* owned: 10 s timeout */
} CtlTestControl;

/* The folder, the seeded store and the client; no server yet. */
void ctl_test_control_open(CtlTestControl *t);
/* Starts the server with cfg (its store and listen_host are filled in when unset); asserts it
 * started. */
void ctl_test_control_start(CtlTestControl *t, const CtlControlConfig *cfg);
/* Stops the server, closes the store, removes the folder. */
void ctl_test_control_close(CtlTestControl *t);

/* An account name with role and token, straight into the store. */
void ctl_test_add_account(CtlStore *store, const char *name, const char *role, const char *token);
