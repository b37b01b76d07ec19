/* jc_error: the one error domain that crosses every jobcast module and reaches the control page. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JC_ERROR (jc_error_quark())

/* Each code maps to one HTTP status and one JSON-RPC application error (docs/protocol.md). */
typedef enum {
    JC_ERROR_INVALID,      /* a field or argument is malformed or out of range */
    JC_ERROR_NOT_FOUND,    /* the thing named does not exist */
    JC_ERROR_TOO_LARGE,    /* a message or field is over its cap */
    JC_ERROR_AUTH,         /* missing or wrong credentials */
    JC_ERROR_CONFLICT,     /* a concurrent change won */
    JC_ERROR_RATE_LIMITED, /* too many requests from one client */
    JC_ERROR_DB,           /* SQLite failed */
    JC_ERROR_IO,           /* a file or socket failed */
    JC_ERROR_PIPELINE,     /* GStreamer failed */
    JC_ERROR_RENDER,       /* the overlay could not be drawn */
} JcErrorCode;

GQuark jc_error_quark(void);

G_END_DECLS
