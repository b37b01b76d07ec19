/* Tests of jc_status: the streamer's snapshot as control's JSON. */
#include "jc_status.h"

static StrStatus *sample(void)
{
    StrStatus *s = g_new0(StrStatus, 1);
    s->program = "playing";
    s->running = 12.345;
    s->input.uri = g_strdup("test:");
    s->input.state = "live";
    s->input.fps = 29.97;
    s->input.frames = 370;
    s->recording.path = g_strdup("/data/recordings/show.mp4");
    s->recording.state = "recording";
    s->recording.bytes = 1000;
    s->recording.free_mb = 51200;
    s->outputs = g_ptr_array_new();
    StrOutputStatus *o = g_new0(StrOutputStatus, 1);
    o->name = g_strdup("douyin");
    o->uri = g_strdup("rtmp://push.example.com/live/***");
    o->state = "reconnecting";
    o->retry_in = 2.96;
    o->error = g_strdup("connection refused");
    g_ptr_array_add(s->outputs, o);
    return s;
}

static void free_sample(StrStatus *s)
{
    StrOutputStatus *o = g_ptr_array_index(s->outputs, 0);
    g_free(o->name);
    g_free(o->uri);
    g_free(o->error);
    g_free(o);
    g_ptr_array_unref(s->outputs);
    g_free(s->input.uri);
    g_free(s->recording.path);
    g_free(s);
}

static void test_fields(void)
{
    StrStatus *s = sample();
    g_autoptr(JsonNode) node = jc_status_to_json(s);
    JsonObject *o = json_node_get_object(node);
    g_assert_cmpstr(json_object_get_string_member(o, "program"), ==, "playing");
    g_assert_cmpfloat(json_object_get_double_member(o, "running"), ==, 12.3);
    JsonObject *in = json_object_get_object_member(o, "input");
    g_assert_cmpstr(json_object_get_string_member(in, "state"), ==, "live");
    g_assert_cmpfloat(json_object_get_double_member(in, "fps"), ==, 30.0);
    g_assert_true(json_object_get_null_member(in, "error"));
    JsonObject *rec = json_object_get_object_member(o, "recording");
    g_assert_cmpstr(json_object_get_string_member(rec, "path"), ==, "/data/recordings/show.mp4");
    g_assert_cmpint(json_object_get_int_member(rec, "free_mb"), ==, 51200);
    JsonArray *outs = json_object_get_array_member(o, "outputs");
    g_assert_cmpuint(json_array_get_length(outs), ==, 1);
    JsonObject *out = json_array_get_object_element(outs, 0);
    g_assert_cmpstr(json_object_get_string_member(out, "name"), ==, "douyin");
    g_assert_cmpstr(json_object_get_string_member(out, "state"), ==, "reconnecting");
    g_assert_cmpfloat(json_object_get_double_member(out, "retry_in"), ==, 3.0);
    g_assert_cmpstr(json_object_get_string_member(out, "error"), ==, "connection refused");
    free_sample(s);
}

static void test_no_stream_key(void)
{
    StrStatus *s = sample();
    g_autoptr(JsonNode) node = jc_status_to_json(s);
    g_autofree char *text = json_to_string(node, FALSE);
    g_assert_null(strstr(text, "STREAM-KEY"));
    g_assert_nonnull(strstr(text, "live/***"));
    free_sample(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/app/status/fields", test_fields);
    g_test_add_func("/app/status/output-uri-as-given", test_no_stream_key);
    return g_test_run();
}
