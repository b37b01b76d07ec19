/* jc_text: wording of posting facts (pay) shared by the overlay and the web pages. */
#include "jc_text.h"

#include <math.h>
#include <string.h>

static const struct {
    const char *unit;
    const char *suffix;
} pay_units[] = {
    {"hour", "元/时"},
    {"day", "元/天"},
    {"month", "元/月"},
    {"piece", "元/件"},
};

static const char *unit_suffix(const char *unit)
{
    if (unit == NULL)
        return NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(pay_units); i++) {
        if (strcmp(pay_units[i].unit, unit) == 0)
            return pay_units[i].suffix;
    }
    return NULL;
}

gboolean jc_pay_unit_valid(const char *unit)
{
    return unit_suffix(unit) != NULL;
}

/* Two decimals at most, trailing zeros dropped: 180 -> "180", 0.8 -> "0.8", 1.25 -> "1.25". */
static void append_amount(GString *out, double v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    double rounded = round(v * 100.0) / 100.0;
    g_ascii_formatd(buf, sizeof buf, "%.2f", rounded);
    char *end = buf + strlen(buf) - 1;
    while (end > buf && *end == '0')
        *end-- = '\0';
    if (end > buf && *end == '.')
        *end = '\0';
    g_string_append(out, buf);
}

char *jc_format_pay(double pay_min, double pay_max, const char *unit)
{
    GString *out = g_string_new(NULL);
    append_amount(out, pay_min);
    if (fabs(pay_max - pay_min) >= 0.005) {
        g_string_append_c(out, '-');
        append_amount(out, pay_max);
    }
    const char *suffix = unit_suffix(unit);
    if (suffix != NULL) {
        g_string_append_c(out, ' ');
        g_string_append(out, suffix);
    }
    return g_string_free(out, FALSE);
}
