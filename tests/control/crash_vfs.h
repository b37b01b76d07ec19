/* crash_vfs: a SQLite VFS for power-cut tests. It wraps the default VFS and plays the operating
 * system's page cache: a write lands in an in-memory image of the file (what every connection of
 * this process reads back) and reaches the real file only when SQLite syncs that file. A
 * simulated power cut throws away every write since each file's last sync, so the real files are
 * left as a machine that lost power would leave them; from then on all I/O fails, as it would
 * for a process that no longer runs.
 *
 * Only main databases, their WAL files and rollback journals go through the cache; temporary
 * files and the WAL index (-shm, shared memory that a power cut wipes anyway: the test removes
 * it) go straight to the default VFS. The mapping of files into memory (xFetch) is not offered,
 * so every page read comes through the cache.
 *
 * Threads: any; one mutex guards every image (SQLite connections on several threads share them,
 * as they share the page cache). */
#pragma once

#include <glib.h>

/* Registers the VFS under the name "crash" as the process's default (so a plain
 * sqlite3_open_v2(..., NULL) uses it) and clears any earlier cut. */
void crash_vfs_install(void);

/* Unregisters it; the VFS it wrapped is the default again. Every file it opened must be closed. */
void crash_vfs_uninstall(void);

/* The power cut: writes not yet synced are lost, and every later read, write, sync, truncation
 * or deletion through the VFS fails. Any thread. */
void crash_vfs_power_cut(void);

/* Arms a power cut at the n-th write or sync from now (on whichever thread does it; that
 * operation fails). 0 disarms. */
void crash_vfs_cut_after(guint n);

/* TRUE once the power was cut. Any thread. */
gboolean crash_vfs_is_cut(void);

/* Writes and syncs seen since crash_vfs_install. */
guint64 crash_vfs_op_count(void);
