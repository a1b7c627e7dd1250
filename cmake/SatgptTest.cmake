# satgpt_add_test(NAME SOURCES a.cpp ... LIBS lib ... [TIMEOUT s] [LABELS l ...])
# One Qt Test executable, registered with CTest, run on the offscreen platform. Tests find the
# source tree and ../shared through compile definitions (SATGPT_SHARED_DIR can be overridden
# at run time by the environment variable of the same name).
function(satgpt_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  add_executable(${name} ${T_SOURCES})
  satgpt_target_defaults(${name})
  target_link_libraries(${name} PRIVATE Qt6::Test ${T_LIBS})
  target_compile_definitions(${name} PRIVATE
    SATGPT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SATGPT_SHARED_DIR="${SATGPT_SHARED_DIR}"
    SATGPT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OMP_NUM_THREADS=2"
    TIMEOUT ${T_TIMEOUT})
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()
