/* fuzz_apply: libFuzzer target for the viewer's sign-up body: the first byte picks the JSON or
 * the form parser, the rest is the body; whatever parses is validated and normalised. Must
 * never crash or leak; a normalised phone is always 11 ASCII digits and a name 1-40 characters.
 * Built with clang by tests/fuzz/build-fuzzers.sh; its corpus is replayed by CTest through
 * fuzz_replay.c. */
#include <stdint.h>
#include <string.h>

#include "ctl_apply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    gboolean json = (data[0] & 1) == 0;
    const char *body = (const char *)data + 1;
    gsize len = size - 1;
    CtlApplyForm form = {0};
    const char *field = NULL;
    g_autoptr(GError) error = NULL;
    gboolean ok = json ? ctl_apply_parse_json(body, len, &form, &field, &error)
                       : ctl_apply_parse_form(body, len, &form, &field, &error);
    g_clear_error(&error);
    if (ok) {
        g_autofree char *name = NULL;
        g_autofree char *phone = NULL;
        if (ctl_apply_validate(&form, &name, &phone, &field, &error)) {
            if (strlen(phone) != 11 || strspn(phone, "0123456789") != 11)
                __builtin_trap();
            glong chars = g_utf8_strlen(name, -1);
            if (!g_utf8_validate(name, -1, NULL) || chars < 1 || chars > CTL_APPLY_NAME_MAX)
                __builtin_trap();
            g_autofree char *masked = ctl_apply_mask_phone(phone);
        }
    }
    ctl_apply_form_clear(&form);
    return 0;
}
