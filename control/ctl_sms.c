/* ctl_sms: the SMS gateway client (see ctl_sms.h).
 *
 * One SoupSession for the gateway; each send is a Send that lives until its last try ended.
 * ctl_sms_gateway_free() cancels the in-flight requests and the pauses between tries: a Send
 * whose request was cancelled frees itself when libsoup reports the cancellation, without
 * touching the (gone) gateway or calling its caller back. */
#include "ctl_sms.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <string.h>

#include "jc_error.h"

struct CtlSmsGateway {
    SoupSession *session;
    char *url;
    char *host; /* for log lines: the URL may carry credentials, the host does not */
    char *authorization;
    GCancellable *cancel; /* cancelled when the gateway goes */
    GQueue sends;         /* Send* waiting for a pause to end (their timer ids live in them) */
    guint64 sent;
    guint64 failed;
};

typedef struct {
    CtlSmsGateway *g; /* NULL once the gateway went */
    GBytes *body;     /* the JSON request body; wiped when freed */
    CtlSmsDone done;
    gpointer data;
    guint tries; /* made so far */
    guint pause_id;
    GList link; /* in g->sends while pausing */
} Send;

static void send_free(Send *s)
{
    gsize len = 0;
    gpointer bytes = (gpointer)g_bytes_get_data(s->body, &len);
    sodium_memzero(bytes, len); /* the phone and the code */
    g_bytes_unref(s->body);
    g_free(s);
}

CtlSmsGateway *ctl_sms_gateway_new(const char *url, const char *secret, GError **error)
{
    g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
    const char *scheme = uri != NULL ? g_uri_get_scheme(uri) : NULL;
    if (uri == NULL || g_uri_get_host(uri) == NULL || g_uri_get_host(uri)[0] == '\0' ||
        (g_ascii_strcasecmp(scheme, "http") != 0 && g_ascii_strcasecmp(scheme, "https") != 0)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "the SMS gateway must be an http:// or https:// URL");
        return NULL;
    }
    CtlSmsGateway *g = g_new0(CtlSmsGateway, 1);
    g->session = soup_session_new_with_options("timeout", CTL_SMS_TIMEOUT_SECONDS, "idle-timeout",
                                               60, "user-agent", "jobcast", NULL);
    g->url = g_strdup(url);
    g->host = g_strdup(g_uri_get_host(uri));
    g->authorization = g_strconcat("Bearer ", secret != NULL ? secret : "", NULL);
    g->cancel = g_cancellable_new();
    return g;
}

void ctl_sms_gateway_free(CtlSmsGateway *g)
{
    if (g == NULL)
        return;
    g_cancellable_cancel(g->cancel);
    GList *l;
    while ((l = g_queue_pop_head_link(&g->sends)) != NULL) {
        Send *s = l->data;
        g_source_remove(s->pause_id);
        send_free(s);
    }
    g_object_unref(g->cancel);
    g_object_unref(g->session);
    sodium_memzero(g->authorization, strlen(g->authorization));
    g_free(g->authorization);
    g_free(g->url);
    g_free(g->host);
    g_free(g);
}

static void try_send(Send *s);

static gboolean pause_over(gpointer data)
{
    Send *s = data;
    s->pause_id = 0;
    g_queue_unlink(&s->g->sends, &s->link);
    try_send(s);
    return G_SOURCE_REMOVE;
}

/* The try ended: done, or another after a pause of 1 s, then 2 s. */
static void try_ended(Send *s, gboolean ok, guint status, const GError *error)
{
    CtlSmsGateway *g = s->g;
    if (!ok && s->tries <= CTL_SMS_RETRIES) {
        if (error != NULL)
            g_message("sms: gateway %s: %s (try %u of %u)", g->host, error->message, s->tries,
                      CTL_SMS_RETRIES + 1);
        else
            g_message("sms: gateway %s answered HTTP %u (try %u of %u)", g->host, status, s->tries,
                      CTL_SMS_RETRIES + 1);
        s->pause_id = g_timeout_add(1000u << (s->tries - 1), pause_over, s);
        g_queue_push_tail_link(&g->sends, &s->link);
        return;
    }
    if (ok)
        g->sent++;
    else
        g->failed++;
    if (!ok)
        g_message("sms: gateway %s: giving up a code after %u tries", g->host, s->tries);
    s->done(ok, s->data);
    send_free(s);
}

static void request_done(GObject *source, GAsyncResult *res, gpointer data)
{
    Send *s = data;
    SoupMessage *msg = soup_session_get_async_result_message(SOUP_SESSION(source), res);
    guint status = msg != NULL ? soup_message_get_status(msg) : 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) answer = soup_session_send_and_read_finish(SOUP_SESSION(source), res, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        send_free(s); /* the gateway went */
        return;
    }
    try_ended(s, error == NULL && SOUP_STATUS_IS_SUCCESSFUL(status), status, error);
}

static void try_send(Send *s)
{
    CtlSmsGateway *g = s->g;
    s->tries++;
    g_autoptr(SoupMessage) msg = soup_message_new(SOUP_METHOD_POST, g->url);
    soup_message_set_request_body_from_bytes(msg, "application/json", s->body);
    SoupMessageHeaders *h = soup_message_get_request_headers(msg);
    soup_message_headers_replace(h, "Authorization", g->authorization);
    soup_session_send_and_read_async(g->session, msg, G_PRIORITY_DEFAULT, g->cancel, request_done,
                                     s);
}

void ctl_sms_send(CtlSmsGateway *g, const char *phone, const char *code, CtlSmsDone done,
                  gpointer data)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "phone");
    json_builder_add_string_value(b, phone);
    json_builder_set_member_name(b, "code");
    json_builder_add_string_value(b, code);
    json_builder_set_member_name(b, "purpose");
    json_builder_add_string_value(b, "signup");
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    char *text = json_to_string(root, FALSE);
    gsize len = strlen(text);
    Send *s = g_new0(Send, 1);
    s->g = g;
    s->body = g_bytes_new_take(text, len);
    s->done = done;
    s->data = data;
    s->link.data = s;
    try_send(s);
}

guint64 ctl_sms_failed_total(const CtlSmsGateway *g)
{
    return g->failed;
}

guint64 ctl_sms_sent_total(const CtlSmsGateway *g)
{
    return g->sent;
}
