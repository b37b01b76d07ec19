/* ctl_export: GET /api/export.csv?employer=NAME[&show_id=N]: one employer's applicants as CSV,
 * for producers only, each export logged (see ctl_export.c). Main thread only. */
#pragma once

#include "ctl_access.h"
#include "ctl_session.h"
#include "ctl_store.h"

G_BEGIN_DECLS

/* Answers s. store, access and tz (the exports' time zone) are borrowed during the call. */
void ctl_export_get(CtlStore *store, CtlAccess *access, GTimeZone *tz, CtlSession *s);

/* GET /api/asaired.csv[?show_id=N][&day=YYYY-MM-DD][&posting_id=N]: the as-aired log, oldest
 * first, producers only. */
void ctl_export_asaired_get(CtlStore *store, CtlAccess *access, GTimeZone *tz, CtlSession *s);

G_END_DECLS
