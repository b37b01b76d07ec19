/* Tests of jc_director: the show's decisions (card mapping, the counter's throttle, mute routing,
 * the layout switch and program rebuild) with a real renderer and a fake program: the program
 * ops only record what the director asked for. */
#include <gst/gst.h>

#include "jc_director.h"
#include "jc_text.h"

/* What the fake program was asked to do. */
typedef struct {
    int starts;
    int stops;
    int frees;
    int mutes;
    int finished;
    int exit_code;
    const StrProfile *profile; /* of the last start */
    gboolean start_muted;      /* of the last start */
    gboolean muted;            /* the last set_muted */
    guint stop_ms;             /* of the last stop */
    gboolean ready;
    StrPipeline *program; /* the last one started */
} Fake;

static Fake *fake; /* stop and set_muted carry no data: the test's one fake */
static int programs[16];

static StrPipeline *fake_start(const StrProfile *profile, gboolean muted, gpointer data,
                               GError **error)
{
    Fake *f = data;
    f->profile = profile;
    f->start_muted = muted;
    f->program = (StrPipeline *)&programs[f->starts++ % G_N_ELEMENTS(programs)];
    return f->program;
}

static void fake_stop(StrPipeline *program, guint timeout_ms)
{
    g_assert_true(program == fake->program);
    fake->stops++;
    fake->stop_ms = timeout_ms;
}

static void fake_free(StrPipeline *program, gpointer data)
{
    Fake *f = data;
    g_assert_true(program == f->program);
    f->frees++;
}

static void fake_set_muted(StrPipeline *program, gboolean muted)
{
    g_assert_true(program == fake->program);
    fake->mutes++;
    fake->muted = muted;
}

static void fake_ready(gboolean ready, gpointer data)
{
    ((Fake *)data)->ready = ready;
}

static void fake_finished(int exit_code, gpointer data)
{
    Fake *f = data;
    f->finished++;
    f->exit_code = exit_code;
}

static const JcDirectorOps fake_ops = {
    .start = fake_start,
    .stop = fake_stop,
    .free = fake_free,
    .set_muted = fake_set_muted,
    .ready = fake_ready,
    .finished = fake_finished,
};

typedef struct {
    Fake fake;
    OvlThemes *themes; /* owned */
    JcDirector *d;     /* owned */
    CtlPosting posting;
    CtlScene scene; /* what control would send; tests change fields */
} Fixture;

static char *tags[] = {NULL};

static void setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    fake = &f->fake;
    f->themes = ovl_themes_new(NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    JcDirectorConfig cfg = {
        .profile = str_profile_lookup("720p30", NULL),
        .themes = f->themes,
        .transition = OVL_TRANSITION_CUT,
        .ops = &fake_ops,
        .data = &f->fake,
    };
    f->d = jc_director_new(&cfg, &error);
    g_assert_no_error(error);
    f->posting = (CtlPosting){.id = 1,
                              .title = "仓库装卸工",
                              .company = "德州顺达物流",
                              .pay_min = 180,
                              .pay_max = 220,
                              .pay_unit = "day",
                              .location = "德州市",
                              .headcount = 12,
                              .tags = tags,
                              .requirements = "",
                              .talking_points = "",
                              .version = 1};
    f->scene = (CtlScene){.posting = &f->posting,
                          .apply_url = "http://127.0.0.1:8080/a/1",
                          .signups = 3,
                          .ticker = "",
                          .host_name = "",
                          .host_title = "",
                          .brand = "",
                          .slate_text = "",
                          .layout = "16:9",
                          .theme = "default"};
}

static void teardown(Fixture *f, gconstpointer data)
{
    jc_director_free(f->d);
    ovl_themes_free(f->themes);
    fake = NULL;
}

static gboolean expired(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Runs the default main context for ms. */
static void spin_for(guint ms)
{
    gboolean done = FALSE;
    g_timeout_add(ms, expired, &done);
    while (!done)
        g_main_context_iteration(NULL, TRUE);
}

/* Runs the default main context until *counter reaches n (at most 5 s). */
static void spin_until(const int *counter, int n)
{
    gboolean done = FALSE;
    guint id = g_timeout_add(5000, expired, &done);
    while (*counter < n && !done)
        g_main_context_iteration(NULL, TRUE);
    g_assert_false(done);
    g_source_remove(id);
}

/* A posting becomes the card the overlay draws: every field, the pay in words, the counter. */
static void test_card_spec(Fixture *f, gconstpointer data)
{
    g_autofree char *pay = NULL;
    g_autofree char *want = jc_format_pay(180, 220, "day");
    OvlCardSpec card = jc_director_card_spec(&f->posting, "http://x/a/1", 7, &pay);
    g_assert_cmpstr(card.title, ==, "仓库装卸工");
    g_assert_cmpstr(card.employer, ==, "德州顺达物流");
    g_assert_cmpstr(card.place, ==, "德州市");
    g_assert_cmpstr(card.pay, ==, want);
    g_assert_true(card.pay == pay);
    g_assert_cmpint(card.headcount, ==, 12);
    g_assert_cmpstr(card.apply_url, ==, "http://x/a/1");
    g_assert_cmpint(card.signups, ==, 7);
    g_autofree char *pay2 = NULL;
    card = jc_director_card_spec(&f->posting, NULL, G_MAXINT64, &pay2);
    g_assert_cmpint(card.signups, ==, G_MAXINT);
}

/* Only the counter moved: the scene waits out the interval, a burst makes one redraw; anything
 * else goes to air at once. */
static void test_counter_throttled(Fixture *f, gconstpointer data)
{
    jc_director_on_scene(&f->scene, f->d);
    g_assert_cmpuint(jc_director_submits(f->d), ==, 1);
    for (int i = 0; i < 10; i++) {
        f->scene.signups++;
        jc_director_on_scene(&f->scene, f->d);
    }
    g_assert_cmpuint(jc_director_submits(f->d), ==, 1);
    spin_for(700);
    g_assert_cmpuint(jc_director_submits(f->d), ==, 2);
    f->scene.signups++;
    jc_director_on_scene(&f->scene, f->d);
    g_assert_cmpuint(jc_director_submits(f->d), ==, 2);
    f->scene.ticker = "今日急招"; /* not the counter: at once, the waiting count with it */
    jc_director_on_scene(&f->scene, f->d);
    g_assert_cmpuint(jc_director_submits(f->d), ==, 3);
    spin_for(700);
    g_assert_cmpuint(jc_director_submits(f->d), ==, 3);
}

/* The studio's mute reaches the running program at once and every program started later. */
static void test_mute_routing(Fixture *f, gconstpointer data)
{
    f->scene.muted = TRUE;
    jc_director_on_scene(&f->scene, f->d); /* no program yet: nothing to set */
    g_assert_cmpint(f->fake.mutes, ==, 0);
    g_assert_true(jc_director_start(f->d, NULL));
    g_assert_true(f->fake.start_muted);
    f->scene.muted = FALSE;
    jc_director_on_scene(&f->scene, f->d);
    g_assert_cmpint(f->fake.mutes, ==, 1);
    g_assert_false(f->fake.muted);
}

/* A studio saved in 9:16 starts the program portrait, whatever --profile's orientation. */
static void test_saved_layout_wins(Fixture *f, gconstpointer data)
{
    f->scene.layout = "9:16";
    jc_director_on_scene(&f->scene, f->d);
    g_assert_true(jc_director_start(f->d, NULL));
    g_assert_cmpint(f->fake.profile->width, <, f->fake.profile->height);
    g_assert_cmpint(f->fake.stops, ==, 0);
}

/* The other orientation: the program stops (2 s), and once STOPPED is freed and rebuilt at the
 * turned profile from the main loop; the same orientation again changes nothing. */
static void test_layout_switch_rebuilds(Fixture *f, gconstpointer data)
{
    jc_director_on_scene(&f->scene, f->d);
    g_assert_true(jc_director_start(f->d, NULL));
    jc_director_program_state(STR_STATE_PLAYING, NULL, f->d);
    g_assert_true(f->fake.ready);
    g_assert_cmpint(f->fake.profile->width, >, f->fake.profile->height);
    f->scene.layout = "9:16";
    jc_director_on_scene(&f->scene, f->d);
    g_assert_cmpint(f->fake.stops, ==, 1);
    g_assert_cmpuint(f->fake.stop_ms, ==, 2000);
    jc_director_on_scene(&f->scene, f->d); /* asked again while stopping: one switch */
    g_assert_cmpint(f->fake.stops, ==, 1);
    jc_director_program_state(STR_STATE_STOPPED, NULL, f->d);
    g_assert_cmpint(f->fake.starts, ==, 1); /* never inside the program's own callback */
    spin_until(&f->fake.starts, 2);
    g_assert_cmpint(f->fake.frees, ==, 1);
    g_assert_cmpint(f->fake.profile->width, <, f->fake.profile->height);
    g_assert_true(jc_director_program(f->d) == f->fake.program);
    g_assert_cmpint(f->fake.finished, ==, 0);
    jc_director_on_scene(&f->scene, f->d);
    g_assert_cmpint(f->fake.stops, ==, 1);
}

/* A signal while the program stops for a switch ends the show instead of rebuilding it. */
static void test_stop_during_switch(Fixture *f, gconstpointer data)
{
    jc_director_on_scene(&f->scene, f->d);
    g_assert_true(jc_director_start(f->d, NULL));
    f->scene.layout = "9:16";
    jc_director_on_scene(&f->scene, f->d);
    jc_director_stop(f->d, "signal");
    g_assert_cmpint(f->fake.stops, ==, 2);
    g_assert_cmpuint(f->fake.stop_ms, ==, 5000);
    jc_director_program_state(STR_STATE_STOPPED, NULL, f->d);
    spin_for(50);
    g_assert_cmpint(f->fake.finished, ==, 1);
    g_assert_cmpint(f->fake.exit_code, ==, 0);
    g_assert_cmpint(f->fake.starts, ==, 1);
    g_assert_false(f->fake.ready);
}

/* The program failing ends the show with 1; stopping afterwards does nothing more. */
static void test_error_ends_show(Fixture *f, gconstpointer data)
{
    jc_director_on_scene(&f->scene, f->d);
    g_assert_true(jc_director_start(f->d, NULL));
    jc_director_program_state(STR_STATE_ERROR, "boom", f->d);
    g_assert_cmpint(f->fake.finished, ==, 1);
    g_assert_cmpint(f->fake.exit_code, ==, 1);
    jc_director_stop(f->d, "signal");
    g_assert_cmpint(f->fake.stops, ==, 0);
    g_assert_cmpint(f->fake.finished, ==, 1);
}

static void add(const char *path, void (*func)(Fixture *, gconstpointer))
{
    g_test_add(path, Fixture, NULL, setup, func, teardown);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    gst_init(NULL, NULL);
    add("/app/director/card-spec", test_card_spec);
    add("/app/director/counter-throttled", test_counter_throttled);
    add("/app/director/mute-routing", test_mute_routing);
    add("/app/director/saved-layout-wins", test_saved_layout_wins);
    add("/app/director/layout-switch-rebuilds", test_layout_switch_rebuilds);
    add("/app/director/stop-during-switch", test_stop_during_switch);
    add("/app/director/error-ends-show", test_error_ends_show);
    return g_test_run();
}
