# Fails when a Catch2 test's name holds a `;`. catch_discover_tests gives ctest one test per
# name, and CMake splits a name at `;` into two, neither of which names a test: Catch then runs
# nothing and ctest counts a pass (twenty tests did not run in CI until 2026-12-07).
# Usage: cmake -DBINARY=path/to/tests -P test_names.cmake
execute_process(COMMAND ${BINARY} --list-test-names-only OUTPUT_VARIABLE names RESULT_VARIABLE status)
if(NOT status EQUAL 0 AND NOT status GREATER 0)
  message(FATAL_ERROR "${BINARY} --list-test-names-only failed: ${status}")
endif()
string(REGEX MATCHALL "[^\n]*;[^\n]*" split_names "${names}")
if(split_names)
  string(REPLACE ";" "\\;" shown "${split_names}")
  message(FATAL_ERROR "test names holding `;` (ctest would run nothing for them; write `,`): ${shown}")
endif()
