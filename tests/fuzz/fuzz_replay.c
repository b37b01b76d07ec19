/* fuzz_replay: runs a libFuzzer target's LLVMFuzzerTestOneInput over every file of a corpus
 * folder, so the seed corpus (and every crash found and added to it) is an ordinary CTest test
 * in the normal and the ASan build, without clang. Usage: fuzz-replay-NAME DIR. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
        return 2;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) dir = g_dir_open(argv[1], 0, &error);
    if (dir == NULL) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    const char *name;
    int n = 0;
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = g_build_filename(argv[1], name, NULL);
        g_autofree char *data = NULL;
        gsize len = 0;
        if (!g_file_get_contents(path, &data, &len, &error)) {
            fprintf(stderr, "%s\n", error->message);
            return 1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        n++;
    }
    printf("replayed %d inputs from %s\n", n, argv[1]);
    return n > 0 ? 0 : 1;
}
