# SPDX-License-Identifier: Apache-2.0
#
# Scripted tests, label "interop": parquant against reference engines (tests/interop/, Node
# + the npm packages of tests/interop/package-lock.json, installed by scripts/setup.sh).
#   interop/reads_duckdb_files   parquant cat reads DuckDB-written files like DuckDB does
#   interop/duckdb_reads_parquant DuckDB reads pq_gen_interop's files as the values written
#   interop/pnl_duckdb           strategy P&L layouts equal DuckDB's read of the CSV
#   interop/corpus               parquant cat reads every parquet-testing data/ file as the
#                                engines do (DuckDB, arrow-rs/parquet-wasm, hyparquet; one
#                                verdict per file, docs/corpus.md), ~2 minutes on 2 cores
#   interop/pnl_duckdb           strategy P&L layouts hold the rows DuckDB reads from the CSV
# They fail (never skip) when node or tests/interop/node_modules is missing, saying to run
# scripts/setup.sh.  They share DuckDB and the 2 cores, so they run one at a time.
set(PQ_INTEROP_DIR ${CMAKE_SOURCE_DIR}/tests/interop)
set(PQ_CORPUS_DIR ${CMAKE_SOURCE_DIR}/../shared/parquet-testing/data)

add_executable(pq_gen_interop ${PQ_INTEROP_DIR}/pq_gen_interop.c)
target_include_directories(pq_gen_interop PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include
                           ${CMAKE_SOURCE_DIR}/tests)
target_compile_options(pq_gen_interop PRIVATE ${PQ_WARNINGS})
target_compile_definitions(pq_gen_interop PRIVATE _GNU_SOURCE)
target_link_libraries(pq_gen_interop PRIVATE parquant_static)

find_program(PQ_NODE node)

# add_test that fails with the fix in its message when node was absent at configure time.
function(pq_interop_test name)
  if(PQ_NODE)
    add_test(NAME ${name} COMMAND ${ARGN})
  else()
    add_test(NAME ${name} COMMAND sh -c
             "echo 'FAIL ${name}: node not found: run scripts/setup.sh, then re-run cmake'; exit 1")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS interop TIMEOUT 600 RESOURCE_LOCK duckdb)
endfunction()

pq_interop_test(interop/reads_duckdb_files
  ${PQ_NODE} ${PQ_INTEROP_DIR}/check_reads_duckdb_files.mjs --parquant $<TARGET_FILE:parquant>)
pq_interop_test(interop/duckdb_reads_parquant
  sh ${PQ_INTEROP_DIR}/run_gen_check.sh ${PQ_NODE} $<TARGET_FILE:pq_gen_interop>
  ${CMAKE_CURRENT_BINARY_DIR}/interop-gen)
pq_interop_test(interop/corpus
  ${PQ_NODE} ${PQ_INTEROP_DIR}/check_corpus.mjs --parquant $<TARGET_FILE:parquant> --corpus ${PQ_CORPUS_DIR})

# Strategy P&L (docs/strategies.md): the real CSVs and a generated zone file
# in the three layouts, read back by DuckDB and compared with DuckDB's own
# read of the CSV, row set for row set.
pq_interop_test(interop/pnl_duckdb
  ${PQ_NODE} ${PQ_INTEROP_DIR}/check_pnl_duckdb.mjs --parquant $<TARGET_FILE:parquant>
  --shared ${CMAKE_SOURCE_DIR}/../shared)

# parquant backtest (docs/backtest.md): DuckDB reads the results, trade logs
# and ranking, compared with the JSON form of the same run.
pq_interop_test(interop/backtest_duckdb
  ${PQ_NODE} ${PQ_INTEROP_DIR}/check_backtest_duckdb.mjs --parquant $<TARGET_FILE:parquant>)
