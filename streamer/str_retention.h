/* str_retention: keeps the recordings folder within its limits (age, total size) and tells
 * whether the disk still has room (internal to streamer/).
 *
 * Threads: main thread (a timer in str_pipeline.c); plain file-system calls on one folder, no
 * state. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deletes recordings (show-*.mp4) in dir, oldest first, that are older than max_age_s seconds
 * (0 = no age limit) or that make the folder's recordings exceed max_bytes (0 = no size limit).
 * Never deletes keep (the part being written; may be NULL). Returns how many were deleted;
 * a file that cannot be deleted is skipped. */
guint str_retention_apply(const char *dir, const char *keep, gint64 max_age_s, guint64 max_bytes);

/* Bytes available to this user on the file system holding dir, or G_MAXUINT64 if unknown. */
guint64 str_disk_free(const char *dir);

G_END_DECLS
