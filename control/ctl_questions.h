/* ctl_questions: the questions.* methods over the stored questions (list, approve, hide,
 * answer, on_air, off_air) and questions.changed.
 *
 * Main thread only. Producers see every question; hosts only the public ones (approved or
 * answered): questions.list filters by the caller's role, and the notification reaches hosts
 * without the question (ctl_ws.c), only the posting whose list changed. Not responsible for
 * the viewer's side (ctl_ask_http.c) or for drawing (the studio puts the question on air). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_notify.h"
#include "ctl_rpc.h"
#include "ctl_store.h"
#include "ctl_store_questions.h"

G_BEGIN_DECLS

/* What puts a question's text on air (NULL: take it off); may be NULL (tests): nothing drawn. */
typedef void (*CtlQuestionAirFunc)(const char *text, gpointer data);

/* The room of the questions.* methods. */
typedef struct {
    CtlStore *store;           /* borrowed */
    const CtlNotifier *notify; /* borrowed */
    CtlQuestionAirFunc air;    /* may be NULL */
    gpointer air_data;
} CtlQuestionsRoom;

/* What a caller sees of a question. (transfer full) */
JsonNode *ctl_question_json(const CtlQuestionRow *row);

/* Tells every producer that row changed (questions.changed, {"posting_id", "question"}). */
void ctl_questions_changed(const CtlNotifier *notify, const CtlQuestionRow *row);

/* The question on air goes off (the next take, or by hand): stored, the air function called
 * with NULL, and producers told (nothing to tell when none was on air). */
void ctl_questions_off_air(CtlQuestionsRoom *room);

/* questions.list (any role that reads) and the producer's questions.approve, .hide, .answer,
 * .on_air, .off_air; their room is a CtlQuestionsRoom. */
const CtlRpcMethod *ctl_questions_methods(gsize *n);

G_END_DECLS
