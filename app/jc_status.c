/* jc_status: converts a StrStatus snapshot to control's JSON. Lives in app/ because it is the
 * one place that knows both the streamer's structs and control's wire format. */
#include "jc_status.h"

/* Rounded to what a person reads: bitrates and seconds to a tenth. */
static double tenth(double v)
{
    return (double)(gint64)(v * 10.0 + (v >= 0 ? 0.5 : -0.5)) / 10.0;
}

static void add_output(JsonBuilder *b, const StrOutputStatus *o)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "uri");
    json_builder_add_string_value(b, o->uri);
    json_builder_set_member_name(b, "state");
    json_builder_add_string_value(b, o->state);
    json_builder_set_member_name(b, "retry_in");
    json_builder_add_double_value(b, tenth(o->retry_in));
    json_builder_set_member_name(b, "kbps");
    json_builder_add_double_value(b, tenth(o->kbps));
    json_builder_set_member_name(b, "bytes");
    json_builder_add_int_value(b, (gint64)o->bytes);
    json_builder_set_member_name(b, "dropped");
    json_builder_add_int_value(b, (gint64)o->dropped);
    json_builder_set_member_name(b, "uptime");
    json_builder_add_double_value(b, tenth(o->uptime));
    json_builder_set_member_name(b, "attempts");
    json_builder_add_int_value(b, o->attempts);
    json_builder_set_member_name(b, "error");
    if (o->error != NULL)
        json_builder_add_string_value(b, o->error);
    else
        json_builder_add_null_value(b);
    json_builder_end_object(b);
}

static void add_input(JsonBuilder *b, const StrStatus *s)
{
    json_builder_set_member_name(b, "input");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "uri");
    json_builder_add_string_value(b, s->input.uri ? s->input.uri : "");
    json_builder_set_member_name(b, "state");
    json_builder_add_string_value(b, s->input.state);
    json_builder_set_member_name(b, "retry_in");
    json_builder_add_double_value(b, tenth(s->input.retry_in));
    json_builder_set_member_name(b, "fps");
    json_builder_add_double_value(b, tenth(s->input.fps));
    json_builder_set_member_name(b, "frames");
    json_builder_add_int_value(b, (gint64)s->input.frames);
    json_builder_set_member_name(b, "dropped");
    json_builder_add_int_value(b, (gint64)s->input.dropped);
    json_builder_set_member_name(b, "uptime");
    json_builder_add_double_value(b, tenth(s->input.uptime));
    json_builder_set_member_name(b, "attempts");
    json_builder_add_int_value(b, s->input.attempts);
    json_builder_set_member_name(b, "error");
    if (s->input.error != NULL)
        json_builder_add_string_value(b, s->input.error);
    else
        json_builder_add_null_value(b);
    json_builder_end_object(b);
}

static void add_recording(JsonBuilder *b, const StrStatus *s)
{
    json_builder_set_member_name(b, "recording");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "state");
    json_builder_add_string_value(b, s->recording.state);
    json_builder_set_member_name(b, "path");
    if (s->recording.path != NULL)
        json_builder_add_string_value(b, s->recording.path);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "bytes");
    json_builder_add_int_value(b, (gint64)s->recording.bytes);
    json_builder_set_member_name(b, "free_mb");
    json_builder_add_int_value(b, (gint64)s->recording.free_mb);
    json_builder_end_object(b);
}

static void add_nullable(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    if (value != NULL)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

static void add_audio(JsonBuilder *b, const StrStatus *s)
{
    json_builder_set_member_name(b, "audio");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "muted");
    json_builder_add_boolean_value(b, s->audio.muted);
    json_builder_set_member_name(b, "source");
    json_builder_add_string_value(b, s->audio.source);
    json_builder_set_member_name(b, "level_dbfs");
    json_builder_add_double_value(b, tenth(s->audio.level_dbfs));
    json_builder_set_member_name(b, "peak_dbfs");
    json_builder_add_double_value(b, tenth(s->audio.peak_dbfs));
    add_nullable(b, "device", s->audio.device);
    json_builder_set_member_name(b, "device_state");
    json_builder_add_string_value(b, s->audio.device_state);
    json_builder_set_member_name(b, "device_retry_in");
    json_builder_add_double_value(b, tenth(s->audio.device_retry_in));
    add_nullable(b, "device_error", s->audio.device_error);
    json_builder_end_object(b);
}

JsonNode *jc_status_to_json(const StrStatus *s)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "program");
    json_builder_add_string_value(b, s->program);
    json_builder_set_member_name(b, "running");
    json_builder_add_double_value(b, tenth(s->running));
    add_input(b, s);
    add_recording(b, s);
    add_audio(b, s);
    json_builder_set_member_name(b, "outputs");
    json_builder_begin_array(b);
    for (guint i = 0; s->outputs != NULL && i < s->outputs->len; i++)
        add_output(b, g_ptr_array_index(s->outputs, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}
