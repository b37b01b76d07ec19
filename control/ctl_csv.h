/* ctl_csv: the per-employer sign-up export as Excel and WPS open it in Chinese offices: UTF-8
 * with a byte-order mark (without it they guess GBK and garble every name), CRLF line ends,
 * RFC 4180 quoting, and cells that start like a formula (= + - @, tab, CR) prefixed with ' so
 * a name such as "=HYPERLINK(...)" is shown, never run. Times are converted from the stored
 * UTC to the given zone. Phone numbers appear in full only here: the export is for the
 * employer, who calls the applicant.
 *
 * Main thread only (reads the store's main connection). */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

/* The sign-ups of one employer (company name; show_id 0 = every show) as CSV, times in tz.
 * *rows gets the number of sign-ups. NULL with error set. (transfer full) */
GBytes *ctl_csv_signups(CtlStore *store, GTimeZone *tz, const char *employer, gint64 show_id,
                        gint64 *rows, GError **error);

/* The as-aired log entries q selects as CSV (the same encoding, quoting and formula guard as
 * the sign-ups'), times in tz. NULL with error set. (transfer full) */
GBytes *ctl_csv_asaired(CtlStore *store, GTimeZone *tz, const CtlAsAiredQuery *q, GError **error);

/* One CSV cell: quoted when needed; a cell starting with = + - @ (or tab/CR) gets a leading '
 * so spreadsheets show it as text instead of running it. Appends to out. */
void ctl_csv_cell(GString *out, const char *value);

G_END_DECLS
