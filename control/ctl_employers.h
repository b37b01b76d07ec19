/* ctl_employers: the employers.* methods (list, get, create, update, remove) over the employer
 * records that postings refer to (ctl_store_employers.h), and employers.changed to producers.
 *
 * Main thread only. Their room is the postings' (CtlPostingsRoom): renaming an employer
 * renames its postings, and each renamed posting is told as postings.update tells one. */
#pragma once

#include "ctl_rpc.h"

G_BEGIN_DECLS

/* employers.*; their room is a CtlPostingsRoom. */
const CtlRpcMethod *ctl_employers_methods(gsize *n);

G_END_DECLS
