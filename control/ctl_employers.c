/* ctl_employers: the employers.* methods (see ctl_employers.h).
 *
 * Main thread only. Every field is checked before anything is stored: a name by the postings'
 * text rule (1-60 characters, as a posting's company), a contact person up to 40 characters, a
 * contact phone up to 20 of digits, spaces and "+-()" (a landline with its area code, an
 * extension). The contact is the employer's business line, shown to producers (and later to the
 * employer's own desk and to an applicant it called), never to hosts: the methods are
 * producer-only and the events "employers."-prefixed (ctl_ws.c sends those to producers alone).
 * Not responsible for keeping postings' company equal to the name (the schema's triggers). */
#include "ctl_employers.h"

#include "ctl_call.h"
#include "ctl_postings.h"
#include "ctl_store_employers.h"
#include "jc_error.h"

#define EMPLOYER_NAME_MAX 60
#define CONTACT_PERSON_MAX 40
#define CONTACT_PHONE_MAX 20

static gboolean phone_ok(const char *s)
{
    for (const char *p = s; *p != '\0'; p++) {
        if (!g_ascii_isdigit(*p) && g_utf8_strchr(" +-()", -1, (gunichar)*p) == NULL)
            return FALSE;
    }
    return TRUE;
}

/* name, contact_person and contact_phone from params into the three strings (each replaced when
 * present, kept when absent). */
static gboolean read_fields(JsonObject *params, char **name, char **person, char **phone,
                            GError **error)
{
    if (!ctl_posting_read_text(params, "name", 1, EMPLOYER_NAME_MAX, FALSE, name, error) ||
        !ctl_posting_read_text(params, "contact_person", 0, CONTACT_PERSON_MAX, FALSE, person,
                               error) ||
        !ctl_posting_read_text(params, "contact_phone", 0, CONTACT_PHONE_MAX, FALSE, phone, error))
        return FALSE;
    if (!phone_ok(*phone)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "contact_phone: digits, spaces and + - ( ) only");
        return FALSE;
    }
    return TRUE;
}

static JsonNode *method_list(JsonObject *params, gpointer data, GError **error)
{
    const CtlPostingsRoom *r = ((CtlCall *)data)->rpc.room;
    g_autoptr(GPtrArray) rows = ctl_store_list_employers(r->store, error);
    if (rows == NULL)
        return NULL;
    JsonArray *arr = json_array_sized_new(rows->len);
    for (guint i = 0; i < rows->len; i++)
        json_array_add_element(arr, ctl_view_employer_json(rows->pdata[i]));
    JsonObject *o = json_object_new();
    json_object_set_array_member(o, "employers", arr);
    return ctl_json_object_node(o);
}

static JsonNode *method_get(JsonObject *params, gpointer data, GError **error)
{
    const CtlPostingsRoom *r = ((CtlCall *)data)->rpc.room;
    gint64 id;
    if (!ctl_param_id(params, "employer_id", FALSE, &id, error))
        return NULL;
    g_autoptr(CtlEmployerRow) row = ctl_store_get_employer(r->store, id, error);
    return row != NULL ? ctl_json_wrap("employer", ctl_view_employer_json(row)) : NULL;
}

static JsonNode *method_create(JsonObject *params, gpointer data, GError **error)
{
    const CtlPostingsRoom *r = ((CtlCall *)data)->rpc.room;
    if (!json_object_has_member(params, "name")) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "name: required");
        return NULL;
    }
    g_autofree char *name = NULL;
    g_autofree char *person = g_strdup("");
    g_autofree char *phone = g_strdup("");
    if (!read_fields(params, &name, &person, &phone, error))
        return NULL;
    gint64 id = ctl_store_add_employer(r->store, name, person, phone, error);
    if (id == 0)
        return NULL;
    g_message("employer %" G_GINT64_FORMAT ": created", id);
    return ctl_postings_employer_changed(r, id, error);
}

static JsonNode *method_update(JsonObject *params, gpointer data, GError **error)
{
    const CtlPostingsRoom *r = ((CtlCall *)data)->rpc.room;
    gint64 id;
    if (!ctl_param_id(params, "employer_id", FALSE, &id, error))
        return NULL;
    g_autoptr(CtlEmployerRow) old = ctl_store_get_employer(r->store, id, error);
    if (old == NULL)
        return NULL;
    g_autofree char *name = g_strdup(old->name);
    g_autofree char *person = g_strdup(old->contact_person);
    g_autofree char *phone = g_strdup(old->contact_phone);
    g_autoptr(GArray) renamed = NULL;
    if (!read_fields(params, &name, &person, &phone, error) ||
        !ctl_store_update_employer(r->store, id, name, person, phone, &renamed, error))
        return NULL;
    /* Each renamed posting is a new version: its editors, the card on air and the cue hear of
     * it as of any edit. */
    for (guint i = 0; i < renamed->len; i++) {
        g_autoptr(JsonNode) told = ctl_postings_changed(r, g_array_index(renamed, gint64, i), NULL);
    }
    g_message("employer %" G_GINT64_FORMAT ": updated (%u posting(s) renamed)", id, renamed->len);
    return ctl_postings_employer_changed(r, id, error);
}

/* {"id": id, "removed": true} (transfer full) */
static JsonNode *removed_json(gint64 id)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "id", id);
    json_object_set_boolean_member(o, "removed", TRUE);
    return ctl_json_object_node(o);
}

static JsonNode *method_remove(JsonObject *params, gpointer data, GError **error)
{
    const CtlPostingsRoom *r = ((CtlCall *)data)->rpc.room;
    gint64 id;
    if (!ctl_param_id(params, "employer_id", FALSE, &id, error) ||
        !ctl_store_remove_employer(r->store, id, error))
        return NULL;
    g_message("employer %" G_GINT64_FORMAT ": removed", id);
    ctl_notify(r->notify, "employers.changed", ctl_json_wrap("employer", removed_json(id)));
    return removed_json(id);
}

static const CtlRpcMethod employers_methods[] = {
    {"employers.list", method_list, CTL_RPC_PRODUCER, NULL},
    {"employers.get", method_get, CTL_RPC_PRODUCER, NULL},
    {"employers.create", method_create, CTL_RPC_PRODUCER, NULL},
    {"employers.update", method_update, CTL_RPC_PRODUCER, NULL},
    {"employers.remove", method_remove, CTL_RPC_PRODUCER, NULL},
};

const CtlRpcMethod *ctl_employers_methods(gsize *n)
{
    *n = G_N_ELEMENTS(employers_methods);
    return employers_methods;
}
