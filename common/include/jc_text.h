/* jc_text: how jobcast words a posting's facts, shared by the on-screen card and the web pages. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The unit a posting's pay is quoted in, as stored ("hour", "day", "month", "piece"). */
gboolean jc_pay_unit_valid(const char *unit);

/* Formats pay as viewers read it: "180-220 元/天", "200 元/天" when min == max, "0.8-1.5 元/件".
 * Amounts print without trailing zeros. Returns a newly allocated string (transfer full);
 * an unknown unit prints the bare amounts. */
char *jc_format_pay(double pay_min, double pay_max, const char *unit);

G_END_DECLS
