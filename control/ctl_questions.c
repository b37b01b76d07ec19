/* ctl_questions: the questions.* methods (see ctl_questions.h).
 *
 * Main thread only. Each change is stored first, then every producer is told (questions.changed
 * with the question as it now is, so that several control pages stay in sync), then the caller
 * gets the same question. At most one question is on air (the store clears the others in the
 * same statement); a question goes on air only once public (approved or answered), and hiding
 * one takes it off air. */
#include "ctl_questions.h"

#include "ctl_call.h"
#include "jc_error.h"

#define LIST_DEFAULT 100
#define LIST_MAX 500

JsonNode *ctl_question_json(const CtlQuestionRow *row)
{
    JsonObject *j = json_object_new();
    json_object_set_int_member(j, "id", row->id);
    json_object_set_int_member(j, "posting_id", row->posting_id);
    json_object_set_string_member(j, "text", row->text);
    json_object_set_string_member(j, "state", row->state);
    json_object_set_string_member(j, "answer", row->answer);
    json_object_set_boolean_member(j, "on_air", row->on_air);
    json_object_set_string_member(j, "created_at", row->created_at);
    return ctl_json_object_node(j);
}

void ctl_questions_changed(const CtlNotifier *notify, const CtlQuestionRow *row)
{
    if (!ctl_notify_listening(notify))
        return;
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "posting_id", row->posting_id);
    json_object_set_member(o, "question", ctl_question_json(row));
    ctl_notify(notify, "questions.changed", ctl_json_object_node(o));
}

/* Tells producers about question id as stored now; (transfer full) {"question": ...} or NULL
 * with error. */
static JsonNode *tell_and_answer(const CtlQuestionsRoom *room, gint64 id, GError **error)
{
    g_autoptr(CtlQuestionRow) row = ctl_store_get_question(room->store, id, error);
    if (row == NULL)
        return NULL;
    ctl_questions_changed(room->notify, row);
    return ctl_json_wrap("question", ctl_question_json(row));
}

/* Tells producers that the question that was on air (was: its id, 0 none) is no longer. */
static void tell_off(const CtlQuestionsRoom *room, gint64 was, gint64 except)
{
    if (was == 0 || was == except)
        return;
    g_autoptr(CtlQuestionRow) row = ctl_store_get_question(room->store, was, NULL);
    if (row != NULL)
        ctl_questions_changed(room->notify, row);
}

void ctl_questions_off_air(CtlQuestionsRoom *room)
{
    gint64 was = 0;
    g_autoptr(GError) error = NULL;
    if (!ctl_store_set_question_on_air(room->store, 0, &was, &error)) {
        g_warning("questions: %s", error->message);
        return;
    }
    /* The screen follows the store even when the store had none on air. */
    if (room->air != NULL)
        room->air(NULL, room->air_data);
    tell_off(room, was, 0);
}

static JsonNode *method_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlQuestionsRoom *room = call->rpc.room;
    gint64 posting_id = 0;
    gint64 limit = 0;
    if (!ctl_param_id(params, "posting_id", FALSE, &posting_id, error) ||
        !ctl_param_id(params, "limit", TRUE, &limit, error))
        return NULL;
    if (limit > LIST_MAX) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "limit: at most %d", LIST_MAX);
        return NULL;
    }
    g_autoptr(CtlPosting) p = ctl_store_get_posting(room->store, posting_id, error);
    if (p == NULL)
        return NULL;
    gboolean public_only = call->role != CTL_ROLE_PRODUCER;
    g_autoptr(GPtrArray) rows = ctl_store_list_questions(
        room->store, posting_id, public_only, limit > 0 ? (guint)limit : LIST_DEFAULT, error);
    if (rows == NULL)
        return NULL;
    JsonArray *arr = json_array_sized_new(rows->len);
    for (guint i = 0; i < rows->len; i++)
        json_array_add_element(arr, ctl_question_json(rows->pdata[i]));
    JsonObject *j = json_object_new();
    json_object_set_int_member(j, "posting_id", posting_id);
    json_object_set_array_member(j, "questions", arr);
    return ctl_json_object_node(j);
}

static JsonNode *set_state(JsonObject *params, gpointer data, const char *state, GError **error)
{
    const CtlQuestionsRoom *room = ((CtlCall *)data)->rpc.room;
    gint64 id = 0;
    if (!ctl_param_id(params, "id", FALSE, &id, error))
        return NULL;
    g_autoptr(CtlQuestionRow) before = ctl_store_get_question(room->store, id, error);
    if (before == NULL || !ctl_store_set_question_state(room->store, id, state, error))
        return NULL;
    if (before->on_air && !ctl_question_public(state) && room->air != NULL)
        room->air(NULL, room->air_data);
    return tell_and_answer(room, id, error);
}

static JsonNode *method_approve(JsonObject *params, gpointer data, GError **error)
{
    return set_state(params, data, "approved", error);
}

static JsonNode *method_hide(JsonObject *params, gpointer data, GError **error)
{
    return set_state(params, data, "hidden", error);
}

static JsonNode *method_answer(JsonObject *params, gpointer data, GError **error)
{
    const CtlQuestionsRoom *room = ((CtlCall *)data)->rpc.room;
    gint64 id = 0;
    g_autofree char *answer = NULL;
    if (!ctl_param_id(params, "id", FALSE, &id, error) ||
        !ctl_param_text(params, "answer", TRUE, CTL_ANSWER_MAX, &answer, error))
        return NULL;
    if (!ctl_store_answer_question(room->store, id, answer, error))
        return NULL;
    return tell_and_answer(room, id, error);
}

static JsonNode *method_on_air(JsonObject *params, gpointer data, GError **error)
{
    const CtlQuestionsRoom *room = ((CtlCall *)data)->rpc.room;
    gint64 id = 0;
    if (!ctl_param_id(params, "id", FALSE, &id, error))
        return NULL;
    g_autoptr(CtlQuestionRow) row = ctl_store_get_question(room->store, id, error);
    if (row == NULL)
        return NULL;
    if (!ctl_question_public(row->state)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "id: question %" G_GINT64_FORMAT " is %s; approve it before it goes on air", id,
                    row->state);
        return NULL;
    }
    gint64 was = 0;
    if (!ctl_store_set_question_on_air(room->store, id, &was, error))
        return NULL;
    if (room->air != NULL)
        room->air(row->text, room->air_data);
    tell_off(room, was, id);
    return tell_and_answer(room, id, error);
}

static JsonNode *method_off_air(JsonObject *params, gpointer data, GError **error)
{
    CtlQuestionsRoom *room = ((CtlCall *)data)->rpc.room;
    ctl_questions_off_air(room);
    JsonObject *j = json_object_new();
    json_object_set_null_member(j, "question");
    return ctl_json_object_node(j);
}

static const CtlRpcMethod questions_methods[] = {
    {"questions.list", method_list, 0, NULL},
    {"questions.approve", method_approve, CTL_RPC_PRODUCER, NULL},
    {"questions.hide", method_hide, CTL_RPC_PRODUCER, NULL},
    {"questions.answer", method_answer, CTL_RPC_PRODUCER, NULL},
    {"questions.on_air", method_on_air, CTL_RPC_PRODUCER, NULL},
    {"questions.off_air", method_off_air, CTL_RPC_PRODUCER, NULL},
};

const CtlRpcMethod *ctl_questions_methods(gsize *n)
{
    *n = G_N_ELEMENTS(questions_methods);
    return questions_methods;
}
