/* ctl_test: loop, HTTP and WebSocket client helpers shared by the control test programs, so that
 * every test drives the real server on 127.0.0.1 the same way.
 *
 * Threads: everything runs on the default GLib main context of the test's thread; the helpers
 * iterate it themselves and fail the test when an answer does not come within CTL_TEST_WAIT_MS. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ctl_store.h"

#define CTL_TEST_WAIT_MS 10000

/* Iterates the default context until *flag is TRUE; fails the test after CTL_TEST_WAIT_MS. */
void ctl_test_spin_until(const gboolean *flag);

/* Lets the loop run for ms (to show that something does NOT happen, or to pace a retry). */
void ctl_test_spin_for(guint ms);

/* Seeds store with data/postings.json of the source tree; returns how many were inserted. */
guint ctl_test_seed(CtlStore *store);

/* Removes every file in dir, then dir itself (a test's temp folder). */
void ctl_test_remove_dir(const char *dir);

/* Parses text (which must be a JSON object) into parser. (transfer none: lives with parser) */
JsonObject *ctl_test_parse_object(const char *text, JsonParser *parser);

/* A GET of http://127.0.0.1:port/path with an optional Authorization header. (transfer full) */
SoupMessage *ctl_test_get(int port, const char *path, const char *authorization);

/* A POST of len bytes of body of the given content type. (transfer full) */
SoupMessage *ctl_test_post(int port, const char *path, const char *type, const char *body,
                           gsize len);

/* Sends msg (redirects not followed) and returns the body; msg keeps status and headers.
 * (transfer full) */
GBytes *ctl_test_http(SoupSession *soup, SoupMessage *msg);

/* The same, the body as a string. (transfer full) */
char *ctl_test_http_text(SoupSession *soup, SoupMessage *msg);

/* A WebSocket client of /api/control; every message it receives is queued, parsed. */
typedef struct {
    gboolean done;
    SoupWebsocketConnection *ws; /* owned; NULL when the handshake failed */
    GError *error;               /* owned: why the handshake failed */
    GQueue messages;             /* owned JsonNode* (objects), oldest first */
    guint status;                /* the handshake's HTTP status, 101 on success */
    int next_id;                 /* last request id used by the caller */
} CtlTestWs;

/* Opens ws://127.0.0.1:port/api/control with the given Authorization / Cookie / Origin (each
 * may be NULL), whatever the outcome (see status). (transfer full: ctl_test_ws_free) */
CtlTestWs *ctl_test_ws_connect(SoupSession *soup, int port, const char *authorization,
                               const char *cookie, const char *origin);

/* Connects with authorization and asserts the handshake succeeded. (transfer full) */
CtlTestWs *ctl_test_ws_producer(SoupSession *soup, int port, const char *authorization);

void ctl_test_ws_free(CtlTestWs *w);

/* The next message (a JSON object); fails the test after CTL_TEST_WAIT_MS. (transfer full) */
JsonNode *ctl_test_ws_next(CtlTestWs *w);

/* Sends a JSON-RPC request (params: JSON text, NULL for {}) and returns its reply; the
 * notifications that came first stay queued, in order, for ctl_test_ws_next. (transfer full) */
JsonNode *ctl_test_ws_call(CtlTestWs *w, const char *method, const char *params);

/* ---- raw HTTP: requests written and answers read as bytes (nothing normalised) ---- */

/* Sends request as is to 127.0.0.1:port on a thread of its own (the server runs on this one's
 * loop) and returns the whole answer: up to its Content-Length, or its headers alone when it
 * switches protocols (101), or whatever came before the server closed. (transfer full) */
char *ctl_test_raw(int port, const char *request);
/* The status code of a raw answer. */
guint ctl_test_raw_status(const char *reply);
/* The value of a header of a raw answer (name case-insensitive), NULL when absent.
 * (transfer full) */
char *ctl_test_raw_header(const char *reply, const char *name);
