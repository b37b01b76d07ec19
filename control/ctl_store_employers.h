/* ctl_store_employers: the employer records (a name and a contact) that postings refer to.
 *
 * Main thread only, on the store's main connection (small producer edits, like postings). The
 * schema keeps postings.company equal to its employer's name (ctl_store_migrate.c, step 8): a
 * posting written with a company text refers to the employer of that name, made when there is
 * none; renaming an employer renames its postings, each a new version. Not responsible for
 * checking fields (ctl_employers.c) nor for telling anyone (ctl_employers.c). */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

typedef struct {
    gint64 id;
    char *name;           /* owned */
    char *contact_person; /* owned, "" when none */
    char *contact_phone;  /* owned, "" when none */
    gint64 postings;      /* postings that refer to it, archived ones too */
    gint64 open_postings; /* of which not archived */
    gint64 signups;       /* sign-ups to its postings */
} CtlEmployerRow;

void ctl_employer_row_free(CtlEmployerRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtlEmployerRow, ctl_employer_row_free)

/* Every employer, by name. (transfer full) GPtrArray of CtlEmployerRow*, or NULL with error. */
GPtrArray *ctl_store_list_employers(CtlStore *store, GError **error);

/* One employer, or NULL with JC_ERROR_NOT_FOUND. (transfer full) */
CtlEmployerRow *ctl_store_get_employer(CtlStore *store, gint64 id, GError **error);

/* Adds an employer; its id, or 0 with JC_ERROR_CONFLICT when the name is taken (nothing
 * changed). */
gint64 ctl_store_add_employer(CtlStore *store, const char *name, const char *contact_person,
                              const char *contact_phone, GError **error);

/* Sets employer id's name and contact. A new name renames its postings in the same statement;
 * *renamed gets their ids (transfer full, may be empty). JC_ERROR_NOT_FOUND when there is no
 * such employer, JC_ERROR_CONFLICT when another has the name (nothing changed). */
gboolean ctl_store_update_employer(CtlStore *store, gint64 id, const char *name,
                                   const char *contact_person, const char *contact_phone,
                                   GArray **renamed, GError **error);

/* Removes employer id; JC_ERROR_NOT_FOUND when there is none, JC_ERROR_CONFLICT while a
 * posting refers to it (postings are kept for their sign-ups, so its employer is too). */
gboolean ctl_store_remove_employer(CtlStore *store, gint64 id, GError **error);

G_END_DECLS
