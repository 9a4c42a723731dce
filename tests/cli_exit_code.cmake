# Runs the pteron binary and checks its exit code (and optionally stderr), for ctest.
# -DPTERON=<binary> -DARGS=<arguments separated by |> -DEXPECTED=<code> [-DSTDERR_MATCH=<regex>]
string(REPLACE "|" ";" ARGS "${ARGS}")
execute_process(COMMAND ${PTERON} ${ARGS}
    RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL EXPECTED)
    message(FATAL_ERROR "pteron ${ARGS}: exit code ${code}, expected ${EXPECTED}\n${err}")
endif()
if(DEFINED STDERR_MATCH AND NOT err MATCHES "${STDERR_MATCH}")
    message(FATAL_ERROR "pteron ${ARGS}: stderr does not match '${STDERR_MATCH}':\n${err}")
endif()
