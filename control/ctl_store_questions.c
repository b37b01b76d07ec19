/* ctl_store_questions: the questions table (see ctl_store_questions.h).
 *
 * Main thread only, on the store's main connection (synchronous=NORMAL, like every producer
 * edit: durable against a crash of jobcast, see ctl_store.c). Each change is one statement. */
#include "ctl_store_questions.h"

#include <string.h>

#include "ctl_store_db.h"
#include "jc_error.h"

#define QUESTION_COLUMNS                                                                           \
    "SELECT id, posting_id, text, state, answer, on_air, created_at FROM questions "

void ctl_question_row_free(CtlQuestionRow *row)
{
    if (row == NULL)
        return;
    g_free(row->text);
    g_free(row->state);
    g_free(row->answer);
    g_free(row->created_at);
    g_free(row);
}

gboolean ctl_question_public(const char *state)
{
    return g_strcmp0(state, "approved") == 0 || g_strcmp0(state, "answered") == 0;
}

static gpointer row_from(sqlite3_stmt *st)
{
    CtlQuestionRow *row = g_new0(CtlQuestionRow, 1);
    row->id = sqlite3_column_int64(st, 0);
    row->posting_id = sqlite3_column_int64(st, 1);
    row->text = ctl_sql_column_dup(st, 2);
    row->state = ctl_sql_column_dup(st, 3);
    row->answer = ctl_sql_column_dup(st, 4);
    row->on_air = sqlite3_column_int(st, 5) != 0;
    row->created_at = ctl_sql_column_dup(st, 6);
    return row;
}

static GPtrArray *collect(CtlStore *store, sqlite3_stmt *st, GError **error)
{
    return ctl_sql_collect(ctl_store_db(store), st, row_from, (GDestroyNotify)ctl_question_row_free,
                           "reading questions", error);
}

/* Runs a write (finalizes st); *changed gets the rows changed (may be NULL). */
static gboolean step_write(CtlStore *store, sqlite3_stmt *st, int *changed, GError **error)
{
    return ctl_sql_write(ctl_store_db(store), st, "question", NULL, changed, error);
}

static gboolean found(int changed, gint64 id, GError **error)
{
    if (changed > 0)
        return TRUE;
    g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no question %" G_GINT64_FORMAT, id);
    return FALSE;
}

gint64 ctl_store_add_question(CtlStore *store, gint64 posting_id, const char *text, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store, "INSERT INTO questions (posting_id, text) VALUES (?1, ?2)", error);
    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, posting_id);
    ctl_sql_bind_text(st, 2, text);
    if (!step_write(store, st, NULL, error))
        return 0;
    return sqlite3_last_insert_rowid(ctl_store_db(store));
}

GPtrArray *ctl_store_list_questions(CtlStore *store, gint64 posting_id, gboolean public_only,
                                    guint limit, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store,
        public_only ? QUESTION_COLUMNS "WHERE posting_id = ?1 AND state IN ('approved', "
                                       "'answered') ORDER BY id DESC LIMIT ?2"
                    : QUESTION_COLUMNS "WHERE posting_id = ?1 ORDER BY id DESC LIMIT ?2",
        error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, posting_id);
    sqlite3_bind_int64(st, 2, limit);
    return collect(store, st, error);
}

CtlQuestionRow *ctl_store_get_question(CtlStore *store, gint64 id, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, QUESTION_COLUMNS "WHERE id = ?1", error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    g_autoptr(GPtrArray) rows = collect(store, st, error);
    if (rows == NULL)
        return NULL;
    if (rows->len == 0) {
        found(0, id, error);
        return NULL;
    }
    return g_ptr_array_steal_index(rows, 0);
}

CtlQuestionRow *ctl_store_question_on_air(CtlStore *store, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, QUESTION_COLUMNS "WHERE on_air = 1 LIMIT 1", error);
    if (st == NULL)
        return NULL;
    g_autoptr(GPtrArray) rows = collect(store, st, error);
    if (rows == NULL || rows->len == 0)
        return NULL;
    return g_ptr_array_steal_index(rows, 0);
}

gboolean ctl_store_set_question_state(CtlStore *store, gint64 id, const char *state, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "UPDATE questions SET state = ?2, on_air = CASE WHEN ?2 = 'hidden' THEN 0 ELSE on_air "
        "END, updated_at = " CTL_NOW_SQL " WHERE id = ?1",
        error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, id);
    ctl_sql_bind_text(st, 2, state);
    int changed = 0;
    return step_write(store, st, &changed, error) && found(changed, id, error);
}

gboolean ctl_store_answer_question(CtlStore *store, gint64 id, const char *answer, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "UPDATE questions SET state = 'answered', answer = "
                       "coalesce(?2, answer), updated_at = " CTL_NOW_SQL " WHERE id = ?1",
                       error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, id);
    if (answer != NULL)
        ctl_sql_bind_text(st, 2, answer);
    else
        sqlite3_bind_null(st, 2);
    int changed = 0;
    return step_write(store, st, &changed, error) && found(changed, id, error);
}

gboolean ctl_store_set_question_on_air(CtlStore *store, gint64 id, gint64 *was, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(CtlQuestionRow) before = ctl_store_question_on_air(store, &local);
    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    *was = before != NULL ? before->id : 0;
    sqlite3_stmt *st = ctl_store_prep(store,
                                      "UPDATE questions SET on_air = (id = ?1) "
                                      "WHERE on_air = 1 OR id = ?1",
                                      error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, id);
    return step_write(store, st, NULL, error);
}
