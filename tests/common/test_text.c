/* Tests of jc_text: pay as viewers read it. */
#include "jc_text.h"

static void check_pay(double lo, double hi, const char *unit, const char *want)
{
    g_autofree char *got = jc_format_pay(lo, hi, unit);
    g_assert_cmpstr(got, ==, want);
}

static void test_pay_range(void)
{
    check_pay(180, 220, "day", "180-220 元/天");
    check_pay(35, 45, "hour", "35-45 元/时");
    check_pay(4000, 6500, "month", "4000-6500 元/月");
}

static void test_pay_fractional(void)
{
    check_pay(0.8, 1.5, "piece", "0.8-1.5 元/件");
    check_pay(1.25, 1.25, "piece", "1.25 元/件");
}

static void test_pay_single(void)
{
    check_pay(200, 200, "day", "200 元/天");
}

static void test_pay_unknown_unit(void)
{
    check_pay(10, 20, "week", "10-20");
    g_assert_false(jc_pay_unit_valid("week"));
    g_assert_false(jc_pay_unit_valid(NULL));
    g_assert_true(jc_pay_unit_valid("piece"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/common/pay/range", test_pay_range);
    g_test_add_func("/common/pay/fractional", test_pay_fractional);
    g_test_add_func("/common/pay/single-figure", test_pay_single);
    g_test_add_func("/common/pay/unknown-unit", test_pay_unknown_unit);
    return g_test_run();
}
