/* A file of app/ as the build sees it, including one header (PROBE_HEADER): the module walls'
 * probe (tests/walls/CMakeLists.txt). It compiles exactly when that header is on app/'s include
 * path. */
#include PROBE_HEADER

int jc_walls_probe(void);

int jc_walls_probe(void)
{
    return 0;
}
