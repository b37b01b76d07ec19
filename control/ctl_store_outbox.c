/* ctl_store_outbox: the outbox's switch and a purge's mark (see ctl_store_outbox.h). The rows
 * themselves are written by the schema's triggers (ctl_store_migrate.c, step 13). */
#include "ctl_store_outbox.h"

#include "ctl_store_sql.h"
#include "jc_error.h"

gboolean ctl_store_set_outbox(CtlStore *store, gboolean on, GError **error)
{
    return ctl_store_set_state(store, CTL_OUTBOX_ON_KEY, on ? "on" : "off", error);
}

gboolean ctl_outbox_purging(sqlite3 *db, gboolean on, GError **error)
{
    return ctl_sql_exec(db,
                        on ? "INSERT INTO province_purging (since) VALUES (" CTL_NOW_SQL ")"
                           : "DELETE FROM province_purging",
                        "marking a purge", error);
}
