# SPDX-License-Identifier: Apache-2.0
#
# Scripted CLI tests, label "cli": one CTest test per case, cli/<case>, each
# running `tests/cli/run.sh <parquant> <case>` (the case script, its expected
# .stdout.exact/.glob, .stderr.exact/.glob and .exit beside it in
# tests/cli/cases/, tiny inputs in tests/cli/data/).  Several cases read
# ../shared/parquet-testing, and several check JSON with node (as the
# interop tests do): a missing node makes those cases fail, not skip.
# Run them all with `ctest -L cli`, or outside CTest with
#   tests/cli/run.sh build/parquant [CASE...]
find_program(PQ_BASH bash REQUIRED)
set(PQ_CLI_DIR ${CMAKE_CURRENT_LIST_DIR})
file(GLOB PQ_CLI_CASES CONFIGURE_DEPENDS ${PQ_CLI_DIR}/cases/*.sh)
foreach(script ${PQ_CLI_CASES})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME cli/${name} COMMAND ${PQ_BASH} ${PQ_CLI_DIR}/run.sh $<TARGET_FILE:parquant> ${name})
  # 60 s per case inside run.sh; the ASan build is slower, hence the margin.
  set_tests_properties(cli/${name} PROPERTIES LABELS cli TIMEOUT 180)
endforeach()
