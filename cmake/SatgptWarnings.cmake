# Warnings and Qt keyword hygiene for every project target. QT_NO_KEYWORDS because libtorch
# headers use an identifier `slots` that Qt's macro would break (pytorch/pytorch#19405).
function(satgpt_target_defaults target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  endif()
  target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
endfunction()
