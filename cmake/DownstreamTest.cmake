# ctest script (cmake -P): installs the built wasmlift into a temporary prefix, then builds and
# runs c-tests/downstream against that install three ways: find_package(wasmlift) with the
# shared and the static target, and a plain compiler call with `pkg-config --cflags --libs`.
# Inputs: BUILD_DIR, SOURCE_DIR, WORK_DIR, LIBDIR, C_COMPILER, GENERATOR.

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "downstream: ${what} failed (${rc})\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

function(expect_answer what)
  if(NOT last_output MATCHES "answer\\(\\) = 42")
    message(FATAL_ERROR "downstream: ${what} printed unexpected output:\n${last_output}")
  endif()
  message(STATUS "downstream: ${what}: ok")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run("install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(f include/wasm.h include/wasmlift.h ${LIBDIR}/libwasmlift.so.0 ${LIBDIR}/libwasmlift.a
          ${LIBDIR}/cmake/wasmlift/wasmliftConfig.cmake ${LIBDIR}/cmake/wasmlift/wasmliftConfigVersion.cmake
          ${LIBDIR}/pkgconfig/wasmlift.pc)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "downstream: install did not create ${f}")
  endif()
endforeach()

# find_package(wasmlift CONFIG REQUIRED)
run("configure" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_C_COMPILER=${C_COMPILER}")
run("build" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
run("readelf" readelf -d "${WORK_DIR}/build/downstream_shared")
if(NOT last_output MATCHES "NEEDED[^\n]*libwasmlift\\.so\\.0")
  message(FATAL_ERROR "downstream: binary does not depend on the SONAME libwasmlift.so.0:\n${last_output}")
endif()
run("running the shared build" "${WORK_DIR}/build/downstream_shared")
expect_answer("find_package, shared")
run("running the static build" "${WORK_DIR}/build/downstream_static")
expect_answer("find_package, static")

# pkg-config --cflags --libs wasmlift
find_program(PKG_CONFIG pkg-config)
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "downstream: pkg-config not found")
endif()
set(ENV{PKG_CONFIG_PATH} "${prefix}/${LIBDIR}/pkgconfig")
run("pkg-config" "${PKG_CONFIG}" --cflags --libs wasmlift)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run("compile with pkg-config flags" "${C_COMPILER}" -std=c11 -Wall -Werror "${SOURCE_DIR}/main.c" ${flags}
    -o "${WORK_DIR}/downstream_pkgconfig")
run("running the pkg-config build" "${CMAKE_COMMAND}" -E env "LD_LIBRARY_PATH=${prefix}/${LIBDIR}"
    "${WORK_DIR}/downstream_pkgconfig")
expect_answer("pkg-config")
