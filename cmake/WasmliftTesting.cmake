# Helpers for wasmlift's C tests: wasmlift_add_c_test() builds one test program from c-tests/
# with strict warnings and registers it with ctest; with WASMLIFT_VALGRIND on, a second test
# <name>_valgrind runs it under valgrind's memcheck (leaks and invalid accesses are failures).
# That run uses explicit bounds checks (WASMLIFT_EXPLICIT_BOUNDS_CHECKS=1), because valgrind
# reports each deliberate guard-page hit as an invalid read; the plain run covers guard pages.

# With WASMLIFT_SANITIZE on, the C test programs are built with AddressSanitizer and
# UndefinedBehaviorSanitizer (-fsanitize=address,undefined) and run with the options below.
# Wasm traps arrive as SIGSEGV/SIGBUS/SIGFPE/SIGILL in JIT code. ASan installs its handlers at
# startup; the library installs its own on first use (allow_user_segv_handler=1 lets it) and
# passes every fault that is not a wasm trap on to ASan's, so real crashes still get ASan's
# report. (handle_segv=0 etc. also work, but then a crash in C code has no ASan report.)
# The Rust library itself is not instrumented, but every malloc/free it makes goes through
# ASan's allocator (double frees, frees of foreign pointers and leaks are caught), and every
# access the C code makes to memory the library hands out is checked. allocator_may_return_null:
# the library handles allocation failure (security_test runs it under RLIMIT_AS), so malloc must
# return NULL as it does without ASan. GCC's -Wformat-truncation reasons worse about the
# instrumented code and warns where it does not without the sanitizers.
set(WASMLIFT_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
set(WASMLIFT_SANITIZE_COMPILE_FLAGS ${WASMLIFT_SANITIZE_FLAGS} -Wno-format-truncation)
set(WASMLIFT_SANITIZE_ENV
    "ASAN_OPTIONS=allow_user_segv_handler=1:allocator_may_return_null=1:detect_leaks=1:exitcode=23"
    "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
    "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan.supp")
if(WASMLIFT_SANITIZE AND WASMLIFT_VALGRIND)
  message(WARNING "WASMLIFT_SANITIZE and WASMLIFT_VALGRIND do not mix; the valgrind runs are skipped")
  set(WASMLIFT_VALGRIND OFF)
endif()

if(WASMLIFT_VALGRIND)
  find_program(VALGRIND valgrind)
  if(VALGRIND)
    # --smc-check: JIT code is written to fresh mappings and then run; make valgrind notice.
    # --vex-iropt-register-updates: a hardware fault (e.g. a wasm integer divide by zero) must
    # report the exact faulting PC, or the engine cannot tell it is a wasm trap.
    set(WASMLIFT_TEST_LAUNCHER "${VALGRIND}" --quiet --leak-check=full --error-exitcode=1
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
        --smc-check=all-non-file --vex-iropt-register-updates=allregs-at-each-insn --suppressions=${CMAKE_CURRENT_LIST_DIR}/valgrind.supp)
    message(STATUS "wasmlift: C tests run under ${VALGRIND}")
  else()
    message(WARNING "WASMLIFT_VALGRIND is ON but valgrind was not found; tests run without it")
  endif()
endif()

set(WASMLIFT_C_WARNINGS -Wall -Wextra -Werror -pedantic)

# wasmlift_add_c_test(<name> [SOURCE <file>] [CXX] [STATIC] [NO_VALGRIND] [TIMEOUT <s>])
#   Builds c-tests/<name>.c (or SOURCE) as C11, or as C++20 with CXX, links it against the
#   shared library (or the static one with STATIC) and adds the ctest test <name> (and
#   <name>_valgrind unless NO_VALGRIND).
function(wasmlift_add_c_test name)
  cmake_parse_arguments(T "CXX;STATIC;NO_VALGRIND" "SOURCE;TIMEOUT" "" ${ARGN})
  if(NOT T_SOURCE)
    set(T_SOURCE "${CMAKE_CURRENT_SOURCE_DIR}/${name}.c")
  endif()
  if(T_CXX)
    # Same source, compiled as C++: copy it to a .cpp so CMake uses the C++ compiler.
    set(cxx_source "${CMAKE_CURRENT_BINARY_DIR}/${name}.cpp")
    configure_file("${T_SOURCE}" "${cxx_source}" COPYONLY)
    add_executable(${name} "${cxx_source}")
    set_target_properties(${name} PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  else()
    add_executable(${name} "${T_SOURCE}")
    set_target_properties(${name} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
  endif()
  target_include_directories(${name} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  target_compile_options(${name} PRIVATE ${WASMLIFT_C_WARNINGS})
  if(T_STATIC)
    target_link_libraries(${name} PRIVATE wasmlift::wasmlift_static)
  else()
    target_link_libraries(${name} PRIVATE wasmlift::wasmlift)
  endif()
  add_test(NAME ${name} COMMAND $<TARGET_FILE:${name}>)
  if(WASMLIFT_SANITIZE)
    target_compile_options(${name} PRIVATE ${WASMLIFT_SANITIZE_COMPILE_FLAGS})
    target_link_options(${name} PRIVATE ${WASMLIFT_SANITIZE_FLAGS})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${WASMLIFT_SANITIZE_ENV}" LABELS sanitize)
  endif()
  if(T_TIMEOUT)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT})
  endif()
  if(WASMLIFT_TEST_LAUNCHER AND NOT T_NO_VALGRIND)
    add_test(NAME ${name}_valgrind COMMAND ${WASMLIFT_TEST_LAUNCHER} $<TARGET_FILE:${name}>)
    set_tests_properties(${name}_valgrind PROPERTIES ENVIRONMENT WASMLIFT_EXPLICIT_BOUNDS_CHECKS=1)
    if(T_TIMEOUT)
      set_tests_properties(${name}_valgrind PROPERTIES TIMEOUT ${T_TIMEOUT})
    endif()
  endif()
endfunction()
