# oslab_add_lab(): the one mechanism of the course. A lab's CMakeLists.txt is a single call.
#
#   oslab_add_lab(<id>                       lab id from chapter_02_os/labs.json, e.g. lab01
#       [PROGRAMS <name>...]                 programs/<name>.cpp, one executable per variant
#       [LIBRARIES <target>...]              what the lab library links (e.g. Boost::headers)
#       [TEST_LIBRARIES <target>...]         extra libraries for the test binary
#       [BENCH_LIBRARIES <target>...]        extra libraries for the benchmark binary
#       [TEST_TIMEOUT <seconds>])            per-test timeout (default 60): a deadlock fails, not hangs
#
# Every lab is built twice, once per variant directory that exists:
#   starter/   the student's code          solution/  the reference
# from the same include/, given/, tests/, bench/ and programs/ sources (given/*.cpp: code that is
# part of the lab but not of the exercise, compiled into both variants, written once):
#   <id>_<variant>          static library (include/ and the variant directory are its headers)
#   <id>_<variant>_tests    GoogleTest binary, ctest labels <id> and <variant>, names <id>.<variant>.*
#   <id>_<variant>_bench    Google Benchmark binary
#   <id>_<program>          program built on the solution;  <id>_<program>_starter on the starter
#   oslab_report_<variant>  every lab's benchmark binary and programs of that variant: what
#                           `scripts/lab report` runs, so a first report compiles no test
# A lab without solution/ (a student export) builds its starter alone.
#
# Instructors' hidden tests: -DOSLAB_EXTRA_TESTS_DIR=<dir> adds <dir>/<id>/*.cpp to the lab's test
# binaries (both variants), so a grading test compiles against the student's code like any other.
set(OSLAB_EXTRA_TESTS_DIR "" CACHE PATH "Directory of extra (hidden) tests: <dir>/<lab id>/*.cpp")

# What `scripts/lab report` builds, per variant (each lab adds its benchmark and programs).
foreach(variant IN ITEMS solution starter)
    add_custom_target(oslab_report_${variant})
endforeach()

function(oslab_add_lab id)
    cmake_parse_arguments(PARSE_ARGV 1 arg ""
        "TEST_TIMEOUT" "PROGRAMS;LIBRARIES;TEST_LIBRARIES;BENCH_LIBRARIES")
    if(NOT arg_TEST_TIMEOUT)
        set(arg_TEST_TIMEOUT 60)
    endif()
    set(dir ${CMAKE_CURRENT_SOURCE_DIR})
    file(RELATIVE_PATH lab_dir ${PROJECT_SOURCE_DIR} ${dir})
    # Every test of this directory carries the lab id as a label (ctest -L '^lab01$').
    set_property(DIRECTORY APPEND PROPERTY LABELS ${id})

    file(GLOB test_sources CONFIGURE_DEPENDS ${dir}/tests/*.cpp)
    file(GLOB bench_sources CONFIGURE_DEPENDS ${dir}/bench/*.cpp)
    if(OSLAB_EXTRA_TESTS_DIR)
        file(GLOB extra_tests CONFIGURE_DEPENDS ${OSLAB_EXTRA_TESTS_DIR}/${id}/*.cpp)
        if(extra_tests)
            message(STATUS "oslab: ${id}: adding hidden tests from ${OSLAB_EXTRA_TESTS_DIR}/${id}")
            list(APPEND test_sources ${extra_tests})
        endif()
    endif()

    # A program's source is compiled once and linked into each variant's executable: the code is
    # the same, only the library under it (the reference's or the student's) differs, and CLI11
    # (header-only) makes every program file expensive to compile. The program asks
    # oslab::build_variant() (oslab/build_variant.hpp) at run time which variant it is.
    foreach(program IN LISTS arg_PROGRAMS)
        set(object ${id}_${program}_object)
        add_library(${object} OBJECT ${dir}/programs/${program}.cpp)
        target_include_directories(${object} PRIVATE ${dir}/include)
        target_compile_definitions(${object} PRIVATE OSLAB_LAB_ID="${id}" OSLAB_LAB_DIR="${lab_dir}")
        target_link_libraries(${object} PRIVATE
            oslab_common ${arg_LIBRARIES} CLI11::CLI11 fmt::fmt oslab_warnings)
    endforeach()

    set(built_variants "")
    foreach(variant IN ITEMS solution starter)
        if(NOT IS_DIRECTORY ${dir}/${variant})
            continue()
        endif()
        list(APPEND built_variants ${variant})
        set(lib ${id}_${variant})
        file(GLOB lib_sources CONFIGURE_DEPENDS ${dir}/${variant}/*.cpp ${dir}/given/*.cpp)
        # oslab::build_variant() of this variant, for the programs linked with it.
        set(variant_source ${CMAKE_CURRENT_BINARY_DIR}/${lib}_build_variant.cpp)
        file(CONFIGURE OUTPUT ${variant_source} CONTENT "#include \"oslab/build_variant.hpp\"
const char* oslab::build_variant() { return \"${variant}\"; }\n")
        add_library(${lib} STATIC ${lib_sources} ${variant_source})
        # The variant directory comes first: a variant may carry its own private headers.
        target_include_directories(${lib} PUBLIC ${dir}/${variant} ${dir}/include)
        target_compile_definitions(${lib} PUBLIC
            OSLAB_LAB_ID="${id}" OSLAB_LAB_DIR="${lab_dir}" OSLAB_VARIANT="${variant}")
        target_link_libraries(${lib} PUBLIC oslab_common ${arg_LIBRARIES} PRIVATE oslab_warnings)
        if(variant STREQUAL "starter")
            target_link_libraries(${lib} PRIVATE oslab_starter_warnings)
        endif()

        # Programs: <id>_<name> for the reference, <id>_<name>_starter for the student's build.
        set(program_paths "")
        set(program_targets "")
        foreach(program IN LISTS arg_PROGRAMS)
            set(exe ${id}_${program})
            if(variant STREQUAL "starter")
                set(exe ${exe}_starter)
            endif()
            add_executable(${exe} $<TARGET_OBJECTS:${id}_${program}_object>)
            target_link_libraries(${exe} PRIVATE ${lib} ${arg_LIBRARIES} fmt::fmt)
            string(TOUPPER ${program} upper)
            list(APPEND program_paths OSLAB_PROGRAM_${upper}="$<TARGET_FILE:${exe}>")
            list(APPEND program_targets ${exe})
        endforeach()

        if(test_sources)
            set(tests ${lib}_tests)
            add_executable(${tests} ${test_sources})
            # Tests may start the lab's programs: OSLAB_PROGRAM_<NAME> is the path of this variant's.
            target_compile_definitions(${tests} PRIVATE ${program_paths})
            # The header-only test helpers (eventually.hpp: bounded waits) for every lab's tests.
            target_include_directories(${tests} PRIVATE ${PROJECT_SOURCE_DIR}/chapter_02_os/common/testing)
            target_link_libraries(${tests} PRIVATE
                ${lib} ${arg_TEST_LIBRARIES} GTest::gmock GTest::gtest_main oslab_warnings)
            if(program_targets)
                add_dependencies(${tests} ${program_targets})
            endif()
            # PRE_TEST: the test list is read when ctest runs, so building never runs a test binary.
            gtest_discover_tests(${tests}
                TEST_PREFIX "${id}.${variant}."
                DISCOVERY_MODE PRE_TEST
                DISCOVERY_TIMEOUT 30
                PROPERTIES LABELS ${variant} TIMEOUT ${arg_TEST_TIMEOUT})
        endif()

        if(bench_sources)
            add_executable(${lib}_bench ${bench_sources})
            target_link_libraries(${lib}_bench PRIVATE
                ${lib} ${arg_BENCH_LIBRARIES} benchmark::benchmark_main oslab_warnings)
            add_dependencies(oslab_report_${variant} ${lib}_bench)
        endif()
        if(program_targets)
            add_dependencies(oslab_report_${variant} ${program_targets})
        endif()
    endforeach()

    if(NOT built_variants)
        message(FATAL_ERROR "oslab: ${id} has neither starter/ nor solution/ in ${dir}")
    endif()
    if(NOT "solution" IN_LIST built_variants)
        message(STATUS "oslab: ${id}: no solution/ directory (student copy): starter only")
    endif()
endfunction()
