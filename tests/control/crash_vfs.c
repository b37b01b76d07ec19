/* crash_vfs: a SQLite VFS that loses unsynced writes on a simulated power cut (see crash_vfs.h).
 *
 * Invariants (under `lock`):
 *   1. Every file opened through the cache has one Inode, found by its full path in `inodes`;
 *      `image` is the file as this process reads it, the real file holds what was last synced.
 *   2. `dirty` lists the ranges of `image` written since the last sync, `cut_to` the shortest
 *      truncation since then; a sync applies that truncation, writes exactly those ranges to the
 *      real file and gives it the image's length.
 *   3. An Inode stays in `inodes` after its last close (the page cache outlives the handle)
 *      until its file is deleted or the power is cut; one that was removed while open is freed
 *      by its last close.
 *   4. Once `cut` is set no byte reaches a real file through this VFS again. */
#include "crash_vfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

typedef struct {
    sqlite3_int64 off;
    sqlite3_int64 len;
} Range;

typedef struct {
    char *path;           /* owned */
    int refs;             /* open handles */
    gboolean listed;      /* in `inodes` (else freed by its last close) */
    GByteArray *image;    /* owned: the file as the process sees it */
    GArray *dirty;        /* owned: Range written since the last sync */
    sqlite3_int64 cut_to; /* the shortest length given since the last sync, -1 if none */
} Inode;

typedef struct {
    sqlite3_file base;  /* pMethods = &cached_io */
    Inode *inode;       /* one of its refs */
    sqlite3_file *real; /* borrowed: the wrapped file, in the same allocation */
} CachedFile;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *inodes; /* path (borrowed from the Inode) -> Inode*, under lock */
static gboolean cut;       /* under lock */
static guint cut_in;       /* ops until an armed cut (0: not armed), under lock */
static guint64 ops;        /* writes and syncs, under lock */
static sqlite3_vfs *real_vfs;
static sqlite3_vfs crash_vfs;

static void inode_free(Inode *inode)
{
    g_free(inode->path);
    g_byte_array_unref(inode->image);
    g_array_unref(inode->dirty);
    g_free(inode);
}

/* Drops every cached image (unsynced writes are lost); open handles keep theirs until closed. */
static void power_cut_locked(void)
{
    GHashTableIter it;
    gpointer value;

    cut = TRUE;
    cut_in = 0;
    g_hash_table_iter_init(&it, inodes);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        Inode *inode = value;
        inode->listed = FALSE;
        g_hash_table_iter_steal(&it);
        if (inode->refs == 0) {
            inode_free(inode);
        }
    }
}

/* Counts a write or sync; TRUE if the power is (now) cut and the operation must fail. */
static gboolean count_op_locked(void)
{
    ops++;
    if (cut_in > 0 && --cut_in == 0) {
        power_cut_locked();
    }
    return cut;
}

static CachedFile *cached(sqlite3_file *f)
{
    return (CachedFile *)f;
}

static int cached_close(sqlite3_file *f)
{
    CachedFile *cf = cached(f);
    int rc = cf->real->pMethods->xClose(cf->real);

    pthread_mutex_lock(&lock);
    if (--cf->inode->refs == 0 && !cf->inode->listed) {
        inode_free(cf->inode);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int cached_read(sqlite3_file *f, void *buf, int amount, sqlite3_int64 off)
{
    CachedFile *cf = cached(f);
    int rc = SQLITE_OK;

    pthread_mutex_lock(&lock);
    if (cut) {
        rc = SQLITE_IOERR_READ;
    } else {
        GByteArray *image = cf->inode->image;
        sqlite3_int64 have = off < (sqlite3_int64)image->len ? image->len - off : 0;
        sqlite3_int64 n = MIN(have, (sqlite3_int64)amount);
        if (n > 0) {
            memcpy(buf, image->data + off, (size_t)n);
        }
        if (n < amount) {
            memset((char *)buf + n, 0, (size_t)(amount - n));
            rc = SQLITE_IOERR_SHORT_READ;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/* Sets the image's length, zero-filling what it gains. */
static void image_resize(GByteArray *image, sqlite3_int64 size)
{
    guint old = image->len;

    g_byte_array_set_size(image, (guint)size);
    if (image->len > old) {
        memset(image->data + old, 0, image->len - old);
    }
}

static int cached_write(sqlite3_file *f, const void *buf, int amount, sqlite3_int64 off)
{
    CachedFile *cf = cached(f);
    int rc = SQLITE_OK;

    pthread_mutex_lock(&lock);
    if (count_op_locked()) {
        rc = SQLITE_IOERR_WRITE;
    } else {
        Inode *inode = cf->inode;
        if (off + amount > (sqlite3_int64)inode->image->len) {
            image_resize(inode->image, off + amount);
        }
        memcpy(inode->image->data + off, buf, (size_t)amount);
        Range *last =
            inode->dirty->len ? &g_array_index(inode->dirty, Range, inode->dirty->len - 1) : NULL;
        if (last != NULL && last->off + last->len == off) {
            last->len += amount; /* appends (the WAL) stay one range */
        } else {
            Range r = {off, amount};
            g_array_append_val(inode->dirty, r);
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int cached_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    CachedFile *cf = cached(f);
    int rc = SQLITE_OK;

    pthread_mutex_lock(&lock);
    if (cut) {
        rc = SQLITE_IOERR_TRUNCATE;
    } else {
        image_resize(cf->inode->image, size);
        if (cf->inode->cut_to < 0 || size < cf->inode->cut_to) {
            cf->inode->cut_to = size;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/* Writes the dirty ranges to the real file and gives it the image's length (invariant 2). The
 * real file is not fsynced: a simulated power cut only loses what was never written to it. */
#define SYNC_CHUNK ((sqlite3_int64)64 * 1024)

static int cached_sync(sqlite3_file *f, int flags)
{
    CachedFile *cf = cached(f);
    const sqlite3_io_methods *io = cf->real->pMethods;
    int rc = SQLITE_OK;

    pthread_mutex_lock(&lock);
    if (count_op_locked()) {
        rc = SQLITE_IOERR_FSYNC;
    } else {
        Inode *inode = cf->inode;
        sqlite3_int64 size = inode->image->len;
        sqlite3_int64 real_size = 0;
        if (inode->cut_to >= 0) {
            rc = io->xTruncate(cf->real, inode->cut_to);
        }
        for (guint i = 0; i < inode->dirty->len && rc == SQLITE_OK; i++) {
            Range r = g_array_index(inode->dirty, Range, i);
            sqlite3_int64 end = MIN(r.off + r.len, size);
            /* In pieces: the unix VFS writes at most 128 KiB - 1 bytes per call (it masks the
             * length with 0x1ffff and calls the rest "disk full"), and an appended WAL range
             * grows past that. */
            for (sqlite3_int64 off = r.off; off < end && rc == SQLITE_OK; off += SYNC_CHUNK) {
                sqlite3_int64 len = MIN(SYNC_CHUNK, end - off);
                rc = io->xWrite(cf->real, inode->image->data + off, (int)len, off);
            }
        }
        if (rc == SQLITE_OK) {
            rc = io->xFileSize(cf->real, &real_size);
        }
        if (rc == SQLITE_OK && real_size != size) {
            rc = io->xTruncate(cf->real, size);
        }
        if (rc == SQLITE_OK) {
            g_array_set_size(inode->dirty, 0);
            inode->cut_to = -1;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int cached_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    CachedFile *cf = cached(f);
    int rc = SQLITE_OK;

    pthread_mutex_lock(&lock);
    if (cut) {
        rc = SQLITE_IOERR_FSTAT;
    } else {
        *size = cf->inode->image->len;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/* Locks, file controls, sector size and shared memory are the real file's. */
static int cached_lock(sqlite3_file *f, int level)
{
    return cached(f)->real->pMethods->xLock(cached(f)->real, level);
}

static int cached_unlock(sqlite3_file *f, int level)
{
    return cached(f)->real->pMethods->xUnlock(cached(f)->real, level);
}

static int cached_check_reserved(sqlite3_file *f, int *out)
{
    return cached(f)->real->pMethods->xCheckReservedLock(cached(f)->real, out);
}

static int cached_file_control(sqlite3_file *f, int op, void *arg)
{
    return cached(f)->real->pMethods->xFileControl(cached(f)->real, op, arg);
}

static int cached_sector_size(sqlite3_file *f)
{
    return cached(f)->real->pMethods->xSectorSize(cached(f)->real);
}

static int cached_device_characteristics(sqlite3_file *f)
{
    return cached(f)->real->pMethods->xDeviceCharacteristics(cached(f)->real);
}

static int cached_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    return cached(f)->real->pMethods->xShmMap(cached(f)->real, page, size, extend, out);
}

static int cached_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return cached(f)->real->pMethods->xShmLock(cached(f)->real, offset, n, flags);
}

static void cached_shm_barrier(sqlite3_file *f)
{
    cached(f)->real->pMethods->xShmBarrier(cached(f)->real);
}

static int cached_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return cached(f)->real->pMethods->xShmUnmap(cached(f)->real, delete_flag);
}

/* Version 2: shared memory (WAL), no xFetch, so SQLite never maps a file past the cache. */
static const sqlite3_io_methods cached_io = {
    .iVersion = 2,
    .xClose = cached_close,
    .xRead = cached_read,
    .xWrite = cached_write,
    .xTruncate = cached_truncate,
    .xSync = cached_sync,
    .xFileSize = cached_file_size,
    .xLock = cached_lock,
    .xUnlock = cached_unlock,
    .xCheckReservedLock = cached_check_reserved,
    .xFileControl = cached_file_control,
    .xSectorSize = cached_sector_size,
    .xDeviceCharacteristics = cached_device_characteristics,
    .xShmMap = cached_shm_map,
    .xShmLock = cached_shm_lock,
    .xShmBarrier = cached_shm_barrier,
    .xShmUnmap = cached_shm_unmap,
};

/* The real file sits after the CachedFile, aligned for any type. */
#define REAL_OFFSET ((sizeof(CachedFile) + 15) & ~(size_t)15)

/* Loads the real file into a new image. */
static int inode_load(Inode *inode, sqlite3_file *real)
{
    sqlite3_int64 size = 0;
    int rc = real->pMethods->xFileSize(real, &size);

    if (rc == SQLITE_OK && size > 0) {
        g_byte_array_set_size(inode->image, (guint)size);
        rc = real->pMethods->xRead(real, inode->image->data, (int)size, 0);
    }
    return rc;
}

static int crash_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
                      int *out_flags)
{
    const int cached_kinds = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL;
    CachedFile *cf = cached(f);
    int rc;

    if (name == NULL || !(flags & cached_kinds) || (flags & SQLITE_OPEN_DELETEONCLOSE)) {
        return real_vfs->xOpen(real_vfs, name, f, flags, out_flags); /* straight through */
    }
    cf->base.pMethods = NULL;
    cf->real = (sqlite3_file *)((char *)f + REAL_OFFSET);
    pthread_mutex_lock(&lock);
    if (cut) {
        pthread_mutex_unlock(&lock);
        return SQLITE_IOERR;
    }
    rc = real_vfs->xOpen(real_vfs, name, cf->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        pthread_mutex_unlock(&lock);
        return rc;
    }
    Inode *inode = g_hash_table_lookup(inodes, name);
    if (inode == NULL) {
        inode = g_new0(Inode, 1);
        inode->path = g_strdup(name);
        inode->image = g_byte_array_new();
        inode->dirty = g_array_new(FALSE, FALSE, sizeof(Range));
        inode->cut_to = -1;
        rc = inode_load(inode, cf->real);
        if (rc != SQLITE_OK) {
            inode_free(inode);
            cf->real->pMethods->xClose(cf->real);
            pthread_mutex_unlock(&lock);
            return rc;
        }
        inode->listed = TRUE;
        g_hash_table_insert(inodes, inode->path, inode);
    }
    inode->refs++;
    cf->inode = inode;
    cf->base.pMethods = &cached_io;
    pthread_mutex_unlock(&lock);
    return SQLITE_OK;
}

/* A deletion is immediate and durable, and forgets the cached image (invariant 3). */
static int crash_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    int rc;

    pthread_mutex_lock(&lock);
    if (cut) {
        pthread_mutex_unlock(&lock);
        return SQLITE_IOERR_DELETE;
    }
    Inode *inode = g_hash_table_lookup(inodes, name);
    if (inode != NULL) {
        g_hash_table_steal(inodes, name);
        inode->listed = FALSE;
        if (inode->refs == 0) {
            inode_free(inode);
        }
    }
    rc = real_vfs->xDelete(real_vfs, name, sync_dir);
    pthread_mutex_unlock(&lock);
    return rc;
}

/* Whether a file exists is answered from the cache when it holds the file: SQLite asks before
 * it opens a WAL, and the unix VFS counts an empty file as missing. */
static int crash_access(sqlite3_vfs *vfs, const char *name, int what, int *out)
{
    pthread_mutex_lock(&lock);
    Inode *inode = g_hash_table_lookup(inodes, name);
    if (inode != NULL && what == SQLITE_ACCESS_EXISTS) {
        *out = inode->image->len > 0;
        pthread_mutex_unlock(&lock);
        return SQLITE_OK;
    }
    pthread_mutex_unlock(&lock);
    return real_vfs->xAccess(real_vfs, name, what, out);
}

static int crash_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *crash_dl_open(sqlite3_vfs *vfs, const char *name)
{
    return real_vfs->xDlOpen(real_vfs, name);
}

static void crash_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
    real_vfs->xDlError(real_vfs, n, out);
}

static void (*crash_dl_sym(sqlite3_vfs *vfs, void *handle, const char *sym))(void)
{
    return real_vfs->xDlSym(real_vfs, handle, sym);
}

static void crash_dl_close(sqlite3_vfs *vfs, void *handle)
{
    real_vfs->xDlClose(real_vfs, handle);
}

static int crash_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int crash_sleep(sqlite3_vfs *vfs, int us)
{
    return real_vfs->xSleep(real_vfs, us);
}

static int crash_current_time(sqlite3_vfs *vfs, double *out)
{
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int crash_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    return real_vfs->xGetLastError(real_vfs, n, out);
}

static int crash_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

void crash_vfs_install(void)
{
    if (real_vfs == NULL) {
        real_vfs = sqlite3_vfs_find(NULL);
        g_assert_nonnull(real_vfs);
        g_assert_cmpint(real_vfs->iVersion, >=, 2);
        inodes = g_hash_table_new(g_str_hash, g_str_equal);
        crash_vfs = (sqlite3_vfs){
            .iVersion = 2,
            .szOsFile = (int)REAL_OFFSET + real_vfs->szOsFile,
            .mxPathname = real_vfs->mxPathname,
            .zName = "crash",
            .xOpen = crash_open,
            .xDelete = crash_delete,
            .xAccess = crash_access,
            .xFullPathname = crash_full_pathname,
            .xDlOpen = crash_dl_open,
            .xDlError = crash_dl_error,
            .xDlSym = crash_dl_sym,
            .xDlClose = crash_dl_close,
            .xRandomness = crash_randomness,
            .xSleep = crash_sleep,
            .xCurrentTime = crash_current_time,
            .xGetLastError = crash_last_error,
            .xCurrentTimeInt64 = crash_current_time_int64,
        };
    }
    pthread_mutex_lock(&lock);
    cut = FALSE;
    cut_in = 0;
    ops = 0;
    pthread_mutex_unlock(&lock);
    g_assert_cmpint(sqlite3_vfs_register(&crash_vfs, 1), ==, SQLITE_OK);
}

void crash_vfs_uninstall(void)
{
    GHashTableIter it;
    gpointer value;

    g_assert_cmpint(sqlite3_vfs_unregister(&crash_vfs), ==, SQLITE_OK);
    pthread_mutex_lock(&lock);
    g_hash_table_iter_init(&it, inodes);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        Inode *inode = value;
        g_assert_cmpint(inode->refs, ==, 0);
        inode_free(inode);
        g_hash_table_iter_steal(&it);
    }
    pthread_mutex_unlock(&lock);
}

void crash_vfs_power_cut(void)
{
    pthread_mutex_lock(&lock);
    power_cut_locked();
    pthread_mutex_unlock(&lock);
}

void crash_vfs_cut_after(guint n)
{
    pthread_mutex_lock(&lock);
    cut_in = n;
    pthread_mutex_unlock(&lock);
}

gboolean crash_vfs_is_cut(void)
{
    pthread_mutex_lock(&lock);
    gboolean is_cut = cut;
    pthread_mutex_unlock(&lock);
    return is_cut;
}

guint64 crash_vfs_op_count(void)
{
    pthread_mutex_lock(&lock);
    guint64 n = ops;
    pthread_mutex_unlock(&lock);
    return n;
}
