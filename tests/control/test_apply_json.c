/* Tests of the sign-up body's JSON parsing (json-glib behind ctl_apply_parse_json's checks). */
#include <string.h>

#include "ctl_apply.h"
#include "jc_error.h"

/* Regression: json-glib 1.6 accepted a valid sign-up followed by a second value, and leaked the
 * second one: anyone could leak memory at the request rate, before the rate limit. */
static void test_second_value_refused(void)
{
    static const char *const bodies[] = {
        "{\"posting_id\": 3, \"name\": \"n\", \"phone\": \"13812345678\", \"consent\": true}{}",
        "{\"posting_id\": 3, \"name\": \"n\", \"phone\": \"13812345678\", \"consent\": true} []",
        "1 {\"posting_id\": 3, \"name\": \"n\", \"phone\": \"13812345678\", \"consent\": true}",
    };
    for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
        CtlApplyForm form = {0};
        const char *field = "unset";
        g_autoptr(GError) error = NULL;
        g_assert_false(ctl_apply_parse_json(bodies[i], strlen(bodies[i]), &form, &field, &error));
        g_assert_null(field);
        g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
        ctl_apply_form_clear(&form);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/control/apply/json-second-value-refused", test_second_value_refused);
    return g_test_run();
}
