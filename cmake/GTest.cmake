# jc_add_gtest(TARGET [LABELS ...] [TIMEOUT s] [LIVE_VIDEO]): registers every GLib test path of
# TARGET (g_test_add_func paths, listed by `TARGET -l`) as its own CTest test named by its path,
# so a failure names the behaviour. The list is read when ctest runs, like gtest_discover_tests'
# PRE_TEST mode, so adding a test needs no CMake edit.
#
# LIVE_VIDEO marks a program whose tests encode a live show and check it against the wall clock
# (pace, gaps, how soon). An encoder needs about a core of its own: two such tests side by side
# on a two-core machine, or one beside a browser test's Chromium and show, starve each other
# and the bounds measure the machine (a first keyframe 3 s late and a clean stop recording 8 s
# for 2 under the sanitisers; a pulled input's slate 1.27 s late and 27 overlay frames in 3.6 s
# in the optimised build). They take turns with each other and with the browser tests (one CTest
# resource lock) while the lighter tests fill the other core.
#
# A skipped test is not a passed one: GLib's g_test_skip()/g_test_incomplete() exit 0 but print
# "ok N /path # SKIP ..." / "not ok N /path # TODO ...", and a path that matches nothing prints
# "1..0". CTest reports those as Skipped, and scripts/check.sh (make check) fails on any.
set(JC_GTEST_SKIP_REGEX "# SKIP" "# TODO" "(^|\n)1[.][.]0(\n|$)")
set(JC_TEST_ENV
    "G_DEBUG=fatal-criticals"
    "G_SLICE=always-malloc"
    "JOBCAST_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    "JOBCAST_BUILD_DIR=${PROJECT_BINARY_DIR}"
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_odr_violation=0:fast_unwind_on_malloc=0"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
    "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0"
    "GST_REGISTRY_FORK=no"
    # jobcastoverlay for test programs that do not register it themselves (the streamer's).
    "GST_PLUGIN_PATH=${PROJECT_BINARY_DIR}/plugins")

function(jc_add_gtest target)
    cmake_parse_arguments(ARG "LIVE_VIDEO" "TIMEOUT" "LABELS" ${ARGN})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set(lock "")
    if(ARG_LIVE_VIDEO)
        set(lock "RESOURCE_LOCK live-video")
    endif()
    set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}-tests.cmake")
    file(GENERATE OUTPUT "${include_file}" CONTENT "
execute_process(COMMAND \"${CMAKE_COMMAND}\" -E env ${JC_TEST_ENV} \"$<TARGET_FILE:${target}>\" -l
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    # Listing failed (e.g. a leak under ASan): a failing test in its place, never silence.
    add_test(\"${target}-cannot-list-tests\" \"$<TARGET_FILE:${target}>\" -l)
    set_tests_properties(\"${target}-cannot-list-tests\" PROPERTIES
        LABELS \"${ARG_LABELS}\" ENVIRONMENT \"${JC_TEST_ENV}\")
else()
    string(REPLACE \"\\n\" \";\" lines \"\${out}\")
    foreach(path IN LISTS lines)
        if(path MATCHES \"^/\")
            add_test(\"\${path}\" \"$<TARGET_FILE:${target}>\" -p \"\${path}\")
            set_tests_properties(\"\${path}\" PROPERTIES TIMEOUT ${ARG_TIMEOUT}
                LABELS \"${ARG_LABELS}\" ENVIRONMENT \"${JC_TEST_ENV}\"
                SKIP_REGULAR_EXPRESSION \"${JC_GTEST_SKIP_REGEX}\" ${lock})
        endif()
    endforeach()
endif()
")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
