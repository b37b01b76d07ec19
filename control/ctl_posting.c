/* ctl_posting: a posting's lifetime (free, copy) and the validation of its fields as producers
 * send them (postings.create/update) and as the sample postings are seeded.
 *
 * Pure functions; any thread. Every field is checked before a posting is returned, and an
 * error names the field first ("pay_max: must be >= pay_min"), so the control page can put it
 * next to the input and a bad seed document names what to fix. */
#include "ctl_posting.h"

#include <math.h>

#include "jc_error.h"
#include "jc_text.h"

/* Caps, in characters (docs/protocol.md). */
#define TITLE_MAX 60
#define COMPANY_MAX 60
#define LOCATION_MAX 60
#define TAG_MAX 12
#define TAGS_MAX 8
#define REQUIREMENTS_MAX 300
#define TALKING_POINTS_MAX 2000
#define PAY_MAX 10000000.0
#define HEADCOUNT_MAX 100000

static gboolean bad(GError **error, const char *field, const char *what)
{
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: %s", field, what);
    return FALSE;
}

void ctl_posting_free(CtlPosting *p)
{
    if (p == NULL) {
        return;
    }
    g_free(p->title);
    g_free(p->company);
    g_free(p->pay_unit);
    g_free(p->location);
    g_strfreev(p->tags);
    g_free(p->requirements);
    g_free(p->talking_points);
    g_free(p->code);
    g_free(p);
}

CtlPosting *ctl_posting_copy(const CtlPosting *p)
{
    CtlPosting *c = g_new(CtlPosting, 1);
    *c = *p;
    c->title = g_strdup(p->title);
    c->company = g_strdup(p->company);
    c->pay_unit = g_strdup(p->pay_unit);
    c->location = g_strdup(p->location);
    c->tags = g_strdupv(p->tags);
    c->requirements = g_strdup(p->requirements);
    c->talking_points = g_strdup(p->talking_points);
    c->code = g_strdup(p->code);
    return c;
}

/* No control characters except, where multiline, line breaks and tabs. */
static gboolean text_ok(const char *s, gboolean multiline)
{
    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (multiline && (ch == '\n' || ch == '\t'))
            continue;
        if (g_unichar_iscntrl(ch) || (ch >= 0x202A && ch <= 0x202E) ||
            (ch >= 0x2066 && ch <= 0x2069))
            return FALSE;
    }
    return TRUE;
}

/* A string member into *out (replacing it), trimmed, min..max characters. Absent: keep. */
static gboolean read_text(JsonObject *o, const char *name, glong min, glong max, gboolean multiline,
                          char **out, GError **error)
{
    JsonNode *n = json_object_get_member(o, name);
    if (n == NULL)
        return TRUE;
    if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
        return bad(error, name, "must be a string");
    const char *v = json_node_get_string(n);
    if (!g_utf8_validate(v, -1, NULL))
        return bad(error, name, "must be valid UTF-8");
    g_autofree char *t = g_strstrip(g_strdup(v));
    glong len = g_utf8_strlen(t, -1);
    if (len < min || len > max) {
        g_autofree char *what = min > 0 ? g_strdup_printf("must be %ld to %ld characters", min, max)
                                        : g_strdup_printf("must be at most %ld characters", max);
        return bad(error, name, what);
    }
    if (!text_ok(t, multiline))
        return bad(error, name, "must not contain control characters");
    g_free(*out);
    *out = g_steal_pointer(&t);
    return TRUE;
}

gboolean ctl_posting_read_text(JsonObject *o, const char *name, glong min, glong max,
                               gboolean multiline, char **out, GError **error)
{
    return read_text(o, name, min, max, multiline, out, error);
}

static gboolean read_number(JsonObject *o, const char *name, double *out, GError **error)
{
    JsonNode *n = json_object_get_member(o, name);
    if (n == NULL)
        return TRUE;
    GType t = JSON_NODE_HOLDS_VALUE(n) ? json_node_get_value_type(n) : G_TYPE_INVALID;
    double v;
    if (t == G_TYPE_INT64)
        v = (double)json_node_get_int(n);
    else if (t == G_TYPE_DOUBLE)
        v = json_node_get_double(n);
    else
        return bad(error, name, "must be a number");
    if (!isfinite(v) || v < 0 || v > PAY_MAX)
        return bad(error, name, "must be between 0 and 10000000");
    *out = v;
    return TRUE;
}

static gboolean read_tags(JsonObject *o, char ***tags, GError **error)
{
    JsonNode *n = json_object_get_member(o, "tags");
    if (n == NULL)
        return TRUE;
    if (!JSON_NODE_HOLDS_ARRAY(n))
        return bad(error, "tags", "must be an array of strings");
    JsonArray *arr = json_node_get_array(n);
    if (json_array_get_length(arr) > TAGS_MAX)
        return bad(error, "tags", "at most 8 tags");
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *t = json_array_get_element(arr, i);
        if (!JSON_NODE_HOLDS_VALUE(t) || json_node_get_value_type(t) != G_TYPE_STRING)
            return bad(error, "tags", "must be an array of strings");
        const char *v = json_node_get_string(t);
        g_autofree char *s = g_strstrip(g_strdup(v));
        glong len = g_utf8_validate(s, -1, NULL) ? g_utf8_strlen(s, -1) : -1;
        if (len < 1 || len > TAG_MAX || !text_ok(s, FALSE))
            return bad(error, "tags", "each tag must be 1 to 12 characters");
        g_strv_builder_add(b, s);
    }
    g_strfreev(*tags);
    *tags = g_strv_builder_end(b);
    return TRUE;
}

CtlPosting *ctl_posting_from_params(JsonObject *params, const CtlPosting *base, GError **error)
{
    static const char *const required[] = {"title",   "company",  "pay_min",
                                           "pay_max", "pay_unit", "headcount"};
    g_autoptr(CtlPosting) p = NULL;
    if (base != NULL) {
        p = ctl_posting_copy(base);
    } else {
        for (gsize i = 0; i < G_N_ELEMENTS(required); i++) {
            if (!json_object_has_member(params, required[i])) {
                bad(error, required[i], "required");
                return NULL;
            }
        }
        p = g_new0(CtlPosting, 1);
        p->location = g_strdup("");
        p->requirements = g_strdup("");
        p->talking_points = g_strdup("");
        p->tags = g_new0(char *, 1);
        p->version = 1;
    }
    if (!read_text(params, "title", 1, TITLE_MAX, FALSE, &p->title, error) ||
        !read_text(params, "company", 1, COMPANY_MAX, FALSE, &p->company, error) ||
        !read_number(params, "pay_min", &p->pay_min, error) ||
        !read_number(params, "pay_max", &p->pay_max, error))
        return NULL;
    if (p->pay_min > p->pay_max) {
        bad(error, "pay_max", "must be >= pay_min");
        return NULL;
    }
    JsonNode *unit = json_object_get_member(params, "pay_unit");
    if (unit != NULL) {
        if (!JSON_NODE_HOLDS_VALUE(unit) || json_node_get_value_type(unit) != G_TYPE_STRING ||
            !jc_pay_unit_valid(json_node_get_string(unit))) {
            bad(error, "pay_unit", "must be one of hour, day, month, piece");
            return NULL;
        }
        g_free(p->pay_unit);
        p->pay_unit = g_strdup(json_node_get_string(unit));
    }
    JsonNode *hc = json_object_get_member(params, "headcount");
    if (hc != NULL) {
        if (!JSON_NODE_HOLDS_VALUE(hc) || json_node_get_value_type(hc) != G_TYPE_INT64 ||
            json_node_get_int(hc) < 0 || json_node_get_int(hc) > HEADCOUNT_MAX) {
            bad(error, "headcount", "must be a whole number from 0 to 100000");
            return NULL;
        }
        p->headcount = (gint)json_node_get_int(hc);
    }
    if (!read_text(params, "location", 0, LOCATION_MAX, FALSE, &p->location, error) ||
        !read_text(params, "requirements", 0, REQUIREMENTS_MAX, TRUE, &p->requirements, error) ||
        !read_text(params, "talking_points", 0, TALKING_POINTS_MAX, TRUE, &p->talking_points,
                   error) ||
        !read_tags(params, &p->tags, error))
        return NULL;
    return g_steal_pointer(&p);
}
