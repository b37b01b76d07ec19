/* ctl_rejects: requests refused as malformed, counted by kind for /metrics
 * (jobcast_http_rejected_requests_total{reason=...}) and logged at most once a minute per kind,
 * the line saying how many of that kind went unlogged since the one before. A flood of garbage
 * thus costs a few log lines, and the count stays exact.
 *
 * Main thread only. Not responsible for rejecting anything: the transports and handlers
 * decide, and tell it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The kinds, and their reason label in /metrics. */
typedef enum {
    CTL_REJECT_BAD_METHOD,       /* "bad_method": a method no route takes (405) */
    CTL_REJECT_NO_LENGTH,        /* "no_length": a POST without Content-Length (411) */
    CTL_REJECT_BODY_TOO_LARGE,   /* "body_too_large": a body over its cap (413) */
    CTL_REJECT_BAD_CONTENT_TYPE, /* "bad_content_type": a body of a type no route reads (415) */
    CTL_REJECT_BAD_BODY,         /* "bad_body": JSON or form that does not parse, or a field
                                    missing, too long or out of range (400) */
    CTL_REJECT_NOT_FOUND,        /* "not_found": no such path or posting (404) */
    CTL_REJECT_HEADER_TOO_LARGE, /* "header_too_large": headers over lws's buffer (closed) */
    CTL_REJECT_WS_BAD_UPGRADE,   /* "ws_bad_upgrade": a WebSocket upgrade to no endpoint */
    CTL_REJECT_WS_TOO_LARGE,     /* "ws_too_large": a message over 64 KiB or nested too deep */
    CTL_REJECT_WS_BAD_MESSAGE,   /* "ws_bad_message": not JSON, or not a JSON-RPC request */
    CTL_REJECT_N
} CtlRejectKind;

typedef struct CtlRejects CtlRejects;

/* (transfer full) */
CtlRejects *ctl_rejects_new(void);
void ctl_rejects_free(CtlRejects *r);

/* One more request of kind refused; peer (may be NULL) is named in the log line if one is due. */
void ctl_rejects_count(CtlRejects *r, CtlRejectKind kind, const char *peer);
/* The kind an HTTP status answers a malformed request with (400, 404, 405, 411, 413, 415);
 * CTL_REJECT_N for any other status. */
CtlRejectKind ctl_rejects_kind_of_status(guint status);
/* How many of kind were refused since start. */
guint64 ctl_rejects_total(const CtlRejects *r, CtlRejectKind kind);

/* Appends jobcast_http_rejected_requests_total{reason="..."} for every kind. */
void ctl_rejects_metrics(const CtlRejects *r, GString *out);

G_END_DECLS
