/* jc_status: converts a StrStatus snapshot to control's JSON. Lives in app/ because it is the
 * one place that knows both the streamer's structs and control's wire format. */
#include "jc_status.h"

/* Rounded to what a person reads: bitrates and seconds to a tenth. */
static double tenth(double v)
{
    return (double)(gint64)(v * 10.0 + (v >= 0 ? 0.5 : -0.5)) / 10.0;
}

static void add_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value);
}

/* A string member, or null when value is NULL. */
static void add_nullable(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    if (value != NULL)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

static void add_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

static void add_boolean(JsonBuilder *b, const char *name, gboolean value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_boolean_value(b, value);
}

/* A number rounded to a tenth. */
static void add_tenth(JsonBuilder *b, const char *name, double value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_double_value(b, tenth(value));
}

/* Seconds to the millisecond: a frame lasts 33 ms, so tenths would hide what matters. */
static void add_seconds_ms(JsonBuilder *b, const char *name, double value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_double_value(b, (double)(gint64)(value * 1000.0 + 0.5) / 1000.0);
}

static void add_output(JsonBuilder *b, const StrOutputStatus *o)
{
    json_builder_begin_object(b);
    add_string(b, "name", o->name != NULL ? o->name : "");
    add_string(b, "uri", o->uri);
    add_string(b, "state", o->state);
    add_tenth(b, "retry_in", o->retry_in);
    add_tenth(b, "kbps", o->kbps);
    add_int(b, "bytes", (gint64)o->bytes);
    add_int(b, "dropped", (gint64)o->dropped);
    add_tenth(b, "uptime", o->uptime);
    add_int(b, "attempts", o->attempts);
    add_nullable(b, "error", o->error);
    json_builder_end_object(b);
}

static void add_input(JsonBuilder *b, const StrStatus *s)
{
    json_builder_set_member_name(b, "input");
    json_builder_begin_object(b);
    add_string(b, "uri", s->input.uri ? s->input.uri : "");
    add_string(b, "state", s->input.state);
    add_tenth(b, "retry_in", s->input.retry_in);
    add_tenth(b, "fps", s->input.fps);
    add_int(b, "frames", (gint64)s->input.frames);
    add_int(b, "dropped", (gint64)s->input.dropped);
    add_tenth(b, "uptime", s->input.uptime);
    add_int(b, "attempts", s->input.attempts);
    add_nullable(b, "error", s->input.error);
    json_builder_end_object(b);
}

static void add_recording(JsonBuilder *b, const StrStatus *s)
{
    json_builder_set_member_name(b, "recording");
    json_builder_begin_object(b);
    add_string(b, "state", s->recording.state);
    add_nullable(b, "path", s->recording.path);
    add_int(b, "bytes", (gint64)s->recording.bytes);
    add_int(b, "free_mb", (gint64)s->recording.free_mb);
    json_builder_end_object(b);
}

static void add_audio(JsonBuilder *b, const StrStatus *s)
{
    json_builder_set_member_name(b, "audio");
    json_builder_begin_object(b);
    add_boolean(b, "muted", s->audio.muted);
    add_string(b, "source", s->audio.source);
    add_tenth(b, "level_dbfs", s->audio.level_dbfs);
    add_tenth(b, "peak_dbfs", s->audio.peak_dbfs);
    add_nullable(b, "device", s->audio.device);
    add_string(b, "device_state", s->audio.device_state);
    add_tenth(b, "device_retry_in", s->audio.device_retry_in);
    add_nullable(b, "device_error", s->audio.device_error);
    json_builder_end_object(b);
}

/* The QR read-back monitor; counters named as Prometheus wants them (control turns numbers into
 * jobcast_qr_*). */
static void add_qr(JsonBuilder *b, const StrStatus *s)
{
    json_builder_set_member_name(b, "qr");
    json_builder_begin_object(b);
    add_string(b, "state", s->qr.state != NULL ? s->qr.state : "off");
    add_boolean(b, "alarm", s->qr.alarm);
    add_nullable(b, "expected", s->qr.expected);
    add_nullable(b, "read", s->qr.read);
    add_tenth(b, "since_ok_seconds", s->qr.since_ok);
    add_int(b, "scans_total", (gint64)s->qr.scans);
    add_int(b, "unreadable_total", (gint64)s->qr.unreadable);
    add_int(b, "wrong_total", (gint64)s->qr.wrong);
    add_int(b, "alarms_total", (gint64)s->qr.alarms);
    json_builder_end_object(b);
}

void jc_status_add_overlay(JsonNode *status, const OvlRenderStats *st)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "takes", (gint64)st->takes);
    json_object_set_int_member(o, "renders", (gint64)st->renders);
    json_object_set_double_member(o, "render_seconds", st->render_seconds);
    JsonArray *buckets = json_array_new();
    guint64 below = 0;
    for (int i = 0; i < OVL_RENDER_BUCKETS; i++) {
        below += st->buckets[i];
        JsonArray *pair = json_array_new();
        json_array_add_double_element(pair, ovl_render_bucket_bounds[i]);
        json_array_add_int_element(pair, (gint64)below);
        json_array_add_array_element(buckets, pair);
    }
    json_object_set_array_member(o, "render_buckets", buckets);
    json_object_set_object_member(json_node_get_object(status), "overlay", o);
}

JsonNode *jc_status_to_json(const StrStatus *s)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    add_string(b, "program", s->program);
    add_tenth(b, "running", s->running);
    add_int(b, "frames_repeated", (gint64)s->continuity.frames_repeated);
    add_int(b, "stalls", (gint64)s->continuity.stalls);
    add_seconds_ms(b, "longest_gap_seconds", s->continuity.longest_gap);
    add_int(b, "frames_dropped", (gint64)s->continuity.frames_dropped);
    json_builder_set_member_name(b, "encoder");
    json_builder_begin_object(b);
    add_int(b, "frames", (gint64)s->encoder.frames);
    add_int(b, "late", (gint64)s->encoder.late);
    json_builder_end_object(b);
    add_input(b, s);
    add_recording(b, s);
    add_audio(b, s);
    add_qr(b, s);
    json_builder_set_member_name(b, "outputs");
    json_builder_begin_array(b);
    for (guint i = 0; s->outputs != NULL && i < s->outputs->len; i++)
        add_output(b, g_ptr_array_index(s->outputs, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}
