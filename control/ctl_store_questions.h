/* ctl_store_questions: viewers' questions about a posting, stored: asked, approved, hidden,
 * answered, and at most one of them on air.
 *
 * Main thread only, on the store's main connection (small writes, like postings: a viewer may
 * ask three a minute). Texts arrive checked (ctl_apply_normalise_text); the schema checks their
 * length again. Not responsible for who may see which (ctl_questions.c: only approved and
 * answered ones are ever public) nor for the rate limit (ctl_ask_http.c). */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

#define CTL_QUESTION_MAX 120 /* characters of a question */
#define CTL_ANSWER_MAX 300   /* characters of a producer's answer */

typedef struct {
    gint64 id;
    gint64 posting_id;
    char *text;   /* owned */
    char *state;  /* owned: "new", "approved", "hidden" or "answered" */
    char *answer; /* owned, "" when none */
    gboolean on_air;
    char *created_at; /* owned, UTC ISO-8601 */
} CtlQuestionRow;

void ctl_question_row_free(CtlQuestionRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtlQuestionRow, ctl_question_row_free)

/* TRUE for the states anyone but a producer may see ("approved", "answered"). */
gboolean ctl_question_public(const char *state);

/* A new question (state "new") for posting_id; its id, or 0 with error. */
gint64 ctl_store_add_question(CtlStore *store, gint64 posting_id, const char *text, GError **error);

/* Posting posting_id's questions, newest first, at most limit; only the public ones when
 * public_only. (transfer full) GPtrArray of CtlQuestionRow*, or NULL with error. */
GPtrArray *ctl_store_list_questions(CtlStore *store, gint64 posting_id, gboolean public_only,
                                    guint limit, GError **error);

/* One question, or NULL with JC_ERROR_NOT_FOUND. (transfer full) */
CtlQuestionRow *ctl_store_get_question(CtlStore *store, gint64 id, GError **error);

/* The question on air, NULL when none (error unset) or on failure (error set). (transfer full) */
CtlQuestionRow *ctl_store_question_on_air(CtlStore *store, GError **error);

/* Sets question id's state (one of the four); hiding it also takes it off air.
 * JC_ERROR_NOT_FOUND when there is none. */
gboolean ctl_store_set_question_state(CtlStore *store, gint64 id, const char *state,
                                      GError **error);

/* Marks question id answered, with answer (NULL: the stored answer kept).
 * JC_ERROR_NOT_FOUND when there is none. */
gboolean ctl_store_answer_question(CtlStore *store, gint64 id, const char *answer, GError **error);

/* Puts question id on air and every other one off (id 0: none on air), in one statement.
 * *was gets the id that was on air before (0: none). */
gboolean ctl_store_set_question_on_air(CtlStore *store, gint64 id, gint64 *was, GError **error);

G_END_DECLS
