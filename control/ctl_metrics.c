/* ctl_metrics: the streamer's status as Prometheus series (see ctl_metrics.h).
 *
 * Every series is named here, in tables, with the member of the status it reads and the factor
 * that turns it into a base unit; nothing is exported by accident under a member's own name
 * (which once gave "jobcast_stream_running 5.7": seconds on air, read as a boolean). A state is
 * a state set: one sample per possible value, 1 for the current one and 0 for the others, so
 * that an alert can say `jobcast_output_state{state="live"} == 0`. Each family is written as one
 * group (all outputs' samples together), as the text format wants. */
#include "ctl_metrics.h"

#include <string.h>

#include "jc_uri.h"

/* One number of an object: member (a JSON number or boolean) times scale. */
typedef struct {
    const char *member;
    const char *name;
    const char *type; /* "gauge" or "counter" */
    double scale;
    const char *help;
} Series;

/* One state set: member (a string) and the values it may take. */
typedef struct {
    const char *member;
    const char *name;
    const char *label;
    const char *const *values;
    const char *help;
} StateSet;

static const char *const program_states[] = {"built",   "starting", "playing", "stopping",
                                             "stopped", "error",    NULL};
static const char *const input_states[] = {"connecting", "live",    "slate",
                                           "failed",     "stopped", NULL};
static const char *const recording_states[] = {"off", "recording", "stopped", "disk-full", NULL};
static const char *const output_states[] = {"connecting", "live",    "reconnecting",
                                            "failed",     "stopped", NULL};
static const char *const device_states[] = {"off", "connecting", "live", "failed", "stopped", NULL};
static const char *const audio_sources[] = {"input", "device", "silence", NULL};
static const char *const qr_states[] = {"off",        "idle",  "waiting", "ok",
                                        "unreadable", "wrong", NULL};

static const Series program_series[] = {
    {"running", "jobcast_stream_running_seconds", "gauge", 1, "Seconds the program has played"},
    {"frames_repeated", "jobcast_stream_frames_repeated_total", "counter", 1,
     "Program frames shown twice to fill a hole"},
    {"stalls", "jobcast_stream_stalls_total", "counter", 1,
     "Times the program's picture stopped for 250 ms or more"},
    {"longest_gap_seconds", "jobcast_stream_longest_gap_seconds", "gauge", 1,
     "Longest wait between two program frames"},
    {"frames_dropped", "jobcast_stream_frames_dropped_total", "counter", 1,
     "Program frames dropped: two came for one frame's slot"},
};
static const Series encoder_series[] = {
    {"frames", "jobcast_encoder_frames_total", "counter", 1, "Video frames the encoder put out"},
    {"late", "jobcast_encoder_frames_late_total", "counter", 1,
     "Video frames the encoder took longer than a frame's duration over"},
};
static const Series overlay_series[] = {
    {"takes", "jobcast_overlay_takes_total", "counter", 1,
     "New cards (or break slates) put on the picture"},
};
static const Series input_series[] = {
    {"fps", "jobcast_input_frames_per_second", "gauge", 1, "Input frames received per second"},
    {"frames", "jobcast_input_frames_total", "counter", 1, "Input frames received"},
    {"dropped", "jobcast_input_frames_dropped_total", "counter", 1,
     "Input frames too late for the program"},
    {"uptime", "jobcast_input_uptime_seconds", "gauge", 1, "Seconds since the input went live"},
    {"retry_in", "jobcast_input_retry_in_seconds", "gauge", 1,
     "Seconds until the input is reopened"},
    {"attempts", "jobcast_input_failed_attempts", "gauge", 1, "Failed openings in a row"},
};
static const Series recording_series[] = {
    {"bytes", "jobcast_recording_bytes", "gauge", 1, "Bytes of the recording part being written"},
    {"free_mb", "jobcast_recording_free_bytes", "gauge", 1024.0 * 1024.0,
     "Free space where recordings go"},
};
static const Series audio_series[] = {
    {"level_dbfs", "jobcast_audio_level_dbfs", "gauge", 1, "Program sound level (RMS), dBFS"},
    {"peak_dbfs", "jobcast_audio_peak_dbfs", "gauge", 1, "Program sound peak, dBFS"},
    {"muted", "jobcast_audio_muted", "gauge", 1, "1 while the program is muted"},
    {"device_retry_in", "jobcast_audio_device_retry_in_seconds", "gauge", 1,
     "Seconds until the audio device is reopened"},
};
static const Series output_series[] = {
    {"kbps", "jobcast_output_sent_bytes_per_second", "gauge", 1000.0 / 8,
     "Bytes sent per second (the bitrate / 8)"},
    {"bytes", "jobcast_output_sent_bytes_total", "counter", 1, "Bytes sent"},
    {"dropped", "jobcast_output_dropped_buffers_total", "counter", 1,
     "Encoded buffers dropped: the destination was too slow"},
    {"uptime", "jobcast_output_uptime_seconds", "gauge", 1,
     "Seconds since the current connection went live"},
    {"retry_in", "jobcast_output_retry_in_seconds", "gauge", 1, "Seconds until the next attempt"},
    {"attempts", "jobcast_output_failed_attempts", "gauge", 1,
     "Failed attempts since the last healthy run"},
};

static const Series qr_series[] = {
    {"alarm", "jobcast_qr_alarm", "gauge", 1,
     "1 while the on-air QR code has not read right for 5 s (decoded at 360p off the stream)"},
    {"since_ok_seconds", "jobcast_qr_since_ok_seconds", "gauge", 1,
     "Seconds since the on-air QR code last read right (-1: never)"},
    {"scans_total", "jobcast_qr_scans_total", "counter", 1, "Keyframes decoded and scanned"},
    {"unreadable_total", "jobcast_qr_unreadable_total", "counter", 1,
     "Scans that found no code while one was expected"},
    {"wrong_total", "jobcast_qr_wrong_total", "counter", 1,
     "Scans that read another URL than the on-air posting's"},
    {"alarms_total", "jobcast_qr_alarms_total", "counter", 1, "Times the QR alarm was raised"},
};

char *ctl_metrics_label_value(const char *s)
{
    g_autofree char *v = strstr(s, "://") != NULL ? jc_uri_redact(s) : g_strdup(s);
    GString *out = g_string_new(NULL);
    for (const char *p = v; *p != '\0'; p++) {
        if (*p == '\\' || *p == '"')
            g_string_append_c(out, '\\');
        if (*p == '\n')
            g_string_append(out, "\\n");
        else
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

/* An object's member as a number; FALSE when absent or not a number or boolean. */
static gboolean number_of(JsonObject *o, const char *member, double *v)
{
    JsonNode *n = o != NULL ? json_object_get_member(o, member) : NULL;
    if (n == NULL || !JSON_NODE_HOLDS_VALUE(n))
        return FALSE;
    GType t = json_node_get_value_type(n);
    if (t == G_TYPE_INT64)
        *v = (double)json_node_get_int(n);
    else if (t == G_TYPE_DOUBLE)
        *v = json_node_get_double(n);
    else if (t == G_TYPE_BOOLEAN)
        *v = json_node_get_boolean(n) ? 1.0 : 0.0;
    else
        return FALSE;
    return TRUE;
}

static void header(GString *out, const char *name, const char *type, const char *help)
{
    g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{labels} v; labels "" for none. */
static void sample(GString *out, const char *name, const char *labels, double v)
{
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(num, sizeof num, "%.15g", v);
    g_string_append_printf(out, "%s%s%s%s %s\n", name, labels[0] ? "{" : "", labels,
                           labels[0] ? "}" : "", num);
}

/* The objects a family is read from, each with its labels ("" or `output="NAME"`). */
typedef struct {
    JsonObject *objects[64];
    char *labels[64]; /* owned */
    guint n;
} Subjects;

static void series(GString *out, const Series *table, gsize n, const Subjects *subj)
{
    for (gsize i = 0; i < n; i++) {
        gboolean headed = FALSE;
        for (guint k = 0; k < subj->n; k++) {
            double v = 0;
            if (!number_of(subj->objects[k], table[i].member, &v))
                continue;
            if (!headed)
                header(out, table[i].name, table[i].type, table[i].help);
            headed = TRUE;
            sample(out, table[i].name, subj->labels[k], v * table[i].scale);
        }
    }
}

static void state_set(GString *out, const StateSet *set, const Subjects *subj)
{
    gboolean headed = FALSE;
    for (guint k = 0; k < subj->n; k++) {
        JsonObject *o = subj->objects[k];
        const char *now = o != NULL && json_object_has_member(o, set->member)
                              ? json_object_get_string_member_with_default(o, set->member, NULL)
                              : NULL;
        if (now == NULL)
            continue;
        if (!headed)
            header(out, set->name, "gauge", set->help);
        headed = TRUE;
        const char *sep = subj->labels[k][0] ? "," : "";
        for (const char *const *v = set->values; *v != NULL; v++) {
            g_autofree char *labels =
                g_strdup_printf("%s%s%s=\"%s\"", subj->labels[k], sep, set->label, *v);
            sample(out, set->name, labels, strcmp(now, *v) == 0 ? 1 : 0);
        }
    }
}

static void one(Subjects *subj, JsonObject *o)
{
    subj->objects[0] = o;
    subj->labels[0] = g_strdup("");
    subj->n = 1;
}

static void clear(Subjects *subj)
{
    for (guint k = 0; k < subj->n; k++)
        g_free(subj->labels[k]);
    subj->n = 0;
}

/* jobcast_overlay_render_seconds, a histogram, from overlay.renders, render_seconds and
 * render_buckets ([[LE, cumulative count], ...]); nothing when o lacks them. */
static void render_histogram(GString *out, JsonObject *o)
{
    static const char name[] = "jobcast_overlay_render_seconds";
    double count = 0;
    double sum = 0;
    JsonNode *b = o != NULL ? json_object_get_member(o, "render_buckets") : NULL;
    if (b == NULL || !JSON_NODE_HOLDS_ARRAY(b) || !number_of(o, "renders", &count) ||
        !number_of(o, "render_seconds", &sum))
        return;
    header(out, name, "histogram", "Time the overlay's worker took to draw a scene");
    JsonArray *a = json_node_get_array(b);
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonNode *e = json_array_get_element(a, i);
        if (!JSON_NODE_HOLDS_ARRAY(e) || json_array_get_length(json_node_get_array(e)) != 2)
            continue;
        JsonArray *pair = json_node_get_array(e);
        char le[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_formatd(le, sizeof le, "%g", json_array_get_double_element(pair, 0));
        g_autofree char *labels = g_strdup_printf("le=\"%s\"", le);
        sample(out, "jobcast_overlay_render_seconds_bucket", labels,
               (double)json_array_get_int_element(pair, 1));
    }
    sample(out, "jobcast_overlay_render_seconds_bucket", "le=\"+Inf\"", count);
    sample(out, "jobcast_overlay_render_seconds_sum", "", sum);
    sample(out, "jobcast_overlay_render_seconds_count", "", count);
}

static JsonObject *member_object(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);
    return n != NULL && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

/* Every output, labelled by its name (unnamed ones out1, out2... in order, as --output names
 * them). */
static void outputs_of(JsonObject *status, Subjects *subj)
{
    subj->n = 0;
    JsonNode *arr = json_object_get_member(status, "outputs");
    if (arr == NULL || !JSON_NODE_HOLDS_ARRAY(arr))
        return;
    JsonArray *a = json_node_get_array(arr);
    for (guint i = 0; i < json_array_get_length(a) && subj->n < G_N_ELEMENTS(subj->objects); i++) {
        JsonNode *e = json_array_get_element(a, i);
        if (!JSON_NODE_HOLDS_OBJECT(e))
            continue;
        JsonObject *eo = json_node_get_object(e);
        const char *name = json_object_get_string_member_with_default(eo, "name", "");
        g_autofree char *label =
            name[0] != '\0' ? ctl_metrics_label_value(name) : g_strdup_printf("out%u", i + 1);
        subj->objects[subj->n] = eo;
        subj->labels[subj->n] = g_strdup_printf("output=\"%s\"", label);
        subj->n++;
    }
}

void ctl_metrics_stream(GString *out, JsonNode *status)
{
    static const StateSet program = {"program", "jobcast_stream_state", "state", program_states,
                                     "The program's state (1: current)"};
    static const StateSet input = {"state", "jobcast_input_state", "state", input_states,
                                   "The input's state (1: current)"};
    static const StateSet recording = {"state", "jobcast_recording_state", "state",
                                       recording_states, "The recording's state (1: current)"};
    static const StateSet device = {"device_state", "jobcast_audio_device_state", "state",
                                    device_states, "The audio device's state (1: current)"};
    static const StateSet source = {"source", "jobcast_audio_source", "source", audio_sources,
                                    "Where the program's sound comes from (1: current)"};
    static const StateSet output = {"state", "jobcast_output_state", "state", output_states,
                                    "Each output's state (1: current)"};
    static const StateSet qr = {"state", "jobcast_qr_state", "state", qr_states,
                                "The QR read-back monitor's last finding (1: current)"};
    if (status == NULL || !JSON_NODE_HOLDS_OBJECT(status))
        return;
    JsonObject *o = json_node_get_object(status);
    Subjects subj = {0};
    one(&subj, o);
    state_set(out, &program, &subj);
    series(out, program_series, G_N_ELEMENTS(program_series), &subj);
    subj.objects[0] = member_object(o, "input");
    state_set(out, &input, &subj);
    series(out, input_series, G_N_ELEMENTS(input_series), &subj);
    subj.objects[0] = member_object(o, "recording");
    state_set(out, &recording, &subj);
    series(out, recording_series, G_N_ELEMENTS(recording_series), &subj);
    subj.objects[0] = member_object(o, "audio");
    series(out, audio_series, G_N_ELEMENTS(audio_series), &subj);
    state_set(out, &source, &subj);
    state_set(out, &device, &subj);
    subj.objects[0] = member_object(o, "encoder");
    series(out, encoder_series, G_N_ELEMENTS(encoder_series), &subj);
    subj.objects[0] = member_object(o, "overlay");
    series(out, overlay_series, G_N_ELEMENTS(overlay_series), &subj);
    render_histogram(out, subj.objects[0]);
    subj.objects[0] = member_object(o, "qr");
    state_set(out, &qr, &subj);
    series(out, qr_series, G_N_ELEMENTS(qr_series), &subj);
    clear(&subj);
    outputs_of(o, &subj);
    state_set(out, &output, &subj);
    series(out, output_series, G_N_ELEMENTS(output_series), &subj);
    clear(&subj);
}
