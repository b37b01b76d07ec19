/* Tests of ovl_scene_file: a key file becomes the same scene as the equivalent OvlCardSpec, and
 * a bad file is refused with the error that names the problem. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "jc_error.h"
#include "ovl_scene_file.h"

static char *write_tmp(const char *text)
{
    g_autoptr(GError) error = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("jobcast-scene-XXXXXX.ini", &path, &error);
    g_assert_no_error(error);
    close(fd);
    g_assert_true(g_file_set_contents(path, text, -1, &error));
    g_assert_no_error(error);
    return path;
}

static void test_parses_card(void)
{
    g_autofree char *path = write_tmp("[card]\n"
                                      "title=仓库装卸工 <b>&amp;\n"
                                      "employer=德州顺达物流有限公司\n"
                                      "pay=180-220 元/天\n"
                                      "place=德州市德城区\n"
                                      "headcount=12\n"
                                      "apply-url=https://jobs.example.cn/a/1\n"
                                      "signups=37\n"
                                      "[ticker]\n"
                                      "text=家政保洁员 35-45 元/时\n"
                                      "[room]\n"
                                      "brand=德州零工直播间\n"
                                      "host-name=主播 小王\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(OvlScene) scene = ovl_scene_file_load(path, &error);
    g_assert_no_error(error);
    const OvlCardSpec *card = ovl_scene_card(scene);
    g_assert_nonnull(card);
    g_assert_cmpstr(card->title, ==, "仓库装卸工 <b>&amp;"); /* taken literally */
    g_assert_cmpstr(card->employer, ==, "德州顺达物流有限公司");
    g_assert_cmpstr(card->pay, ==, "180-220 元/天");
    g_assert_cmpstr(card->place, ==, "德州市德城区");
    g_assert_cmpint(card->headcount, ==, 12);
    g_assert_cmpstr(card->apply_url, ==, "https://jobs.example.cn/a/1");
    g_assert_cmpint(card->signups, ==, 37);
    g_assert_cmpstr(ovl_scene_ticker(scene), ==, "家政保洁员 35-45 元/时");
    g_assert_cmpstr(ovl_scene_extras(scene)->brand, ==, "德州零工直播间");
    g_assert_cmpstr(ovl_scene_extras(scene)->host_name, ==, "主播 小王");
    g_assert_null(ovl_scene_extras(scene)->host_title);
    g_unlink(path);
}

static void test_no_card_is_empty(void)
{
    g_autofree char *path = write_tmp("# nothing on screen\n[other]\nx=1\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(OvlScene) scene = ovl_scene_file_load(path, &error);
    g_assert_no_error(error);
    g_assert_null(ovl_scene_card(scene));
    g_assert_null(ovl_scene_ticker(scene));
    g_unlink(path);
}

static void test_bad_number_refused(void)
{
    g_autofree char *path = write_tmp("[card]\ntitle=x\nheadcount=twelve\n");
    g_autoptr(GError) error = NULL;
    g_assert_null(ovl_scene_file_load(path, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "headcount"));
    g_unlink(path);
}

static void test_missing_refused(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_null(ovl_scene_file_load("/nonexistent/scene.ini", &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_IO);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/overlay/scene-file/parses-card", test_parses_card);
    g_test_add_func("/overlay/scene-file/no-card-group-is-empty", test_no_card_is_empty);
    g_test_add_func("/overlay/scene-file/bad-number-refused", test_bad_number_refused);
    g_test_add_func("/overlay/scene-file/missing-refused", test_missing_refused);
    return g_test_run();
}
