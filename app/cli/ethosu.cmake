# `pteron ethosu`: the Ethos-U command-stream listing, kept as its own library.
add_library(pteron_cli_ethosu STATIC ${CMAKE_CURRENT_LIST_DIR}/ethosu_command.cpp)
target_include_directories(pteron_cli_ethosu PUBLIC ${PROJECT_SOURCE_DIR})
# CommandLine comes from pteron_cli_commands.
target_link_libraries(pteron_cli_ethosu PUBLIC pteron_cli_commands pteron_parsers pteron_warnings)
