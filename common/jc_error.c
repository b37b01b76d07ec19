/* jc_error: the quark of jobcast's error domain. */
#include "jc_error.h"

G_DEFINE_QUARK(jobcast - error - quark, jc_error)
