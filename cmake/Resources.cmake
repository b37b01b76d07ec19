# Embeds files (web pages, seed data) into a target with glib-compile-resources, so the binary
# runs from any directory with no install step.
find_program(GLIB_COMPILE_RESOURCES glib-compile-resources REQUIRED)

# jc_add_resources(TARGET XML SOURCE_DIR): compiles the GResource bundle described by XML
# (paths relative to SOURCE_DIR) into a library TARGET links whole. The bundle registers itself
# from a constructor that nothing references, so a plain static archive member would be dropped
# by the linker: WHOLE_ARCHIVE keeps it. Rebuilds when any listed file changes.
function(jc_add_resources target xml source_dir)
    execute_process(
        COMMAND ${GLIB_COMPILE_RESOURCES} --generate-dependencies --sourcedir=${source_dir} ${xml}
        OUTPUT_VARIABLE deps OUTPUT_STRIP_TRAILING_WHITESPACE
        RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "glib-compile-resources could not read ${xml}")
    endif()
    string(REPLACE "\n" ";" deps "${deps}")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${xml})
    get_filename_component(name ${xml} NAME_WE)
    set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}-resources.c)
    add_custom_command(
        OUTPUT ${out}
        COMMAND ${GLIB_COMPILE_RESOURCES} --generate-source --sourcedir=${source_dir}
                --target=${out} ${xml}
        DEPENDS ${xml} ${deps}
        VERBATIM)
    add_library(${target}-resources STATIC ${out})
    target_link_libraries(${target}-resources PRIVATE PkgConfig::GLIB)
    # Generated code is not ours to lint.
    target_compile_options(${target}-resources PRIVATE -w)
    target_link_libraries(${target} PUBLIC "$<LINK_LIBRARY:WHOLE_ARCHIVE,${target}-resources>")
endfunction()
