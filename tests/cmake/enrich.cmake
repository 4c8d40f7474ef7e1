# Enrichment stages: crypto primitives, each stage, MMDB lookups, documents, end to end.
set(FDX_ENRICH_DATA ${CMAKE_CURRENT_BINARY_DIR}/enrich-data)
file(MAKE_DIRECTORY ${FDX_ENRICH_DATA})

# Small MMDBs built at test time (not committed): City-like, ASN-like, site database.
find_program(FDX_PERL perl)
if(FDX_PERL)
  add_test(NAME enrich.make_mmdb
           COMMAND ${FDX_PERL} ${CMAKE_CURRENT_SOURCE_DIR}/tools/make_enrich_mmdb.pl
                   ${FDX_ENRICH_DATA})
  set_tests_properties(enrich.make_mmdb PROPERTIES LABELS unit FIXTURES_SETUP enrich_mmdb)
endif()

function(fdx_enrich_test name)
  fdx_unit_test(${name} ${ARGN})
  target_compile_definitions(${name} PRIVATE
    FDX_ENRICH_DATA="${FDX_ENRICH_DATA}"
    FDX_CORPUS="${FDX_CORPUS_DIR}"
    FDX_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  set_tests_properties(unit.${name} PROPERTIES SKIP_RETURN_CODE 77)
  if(FDX_PERL)
    set_tests_properties(unit.${name} PROPERTIES FIXTURES_REQUIRED enrich_mmdb)
  endif()
endfunction()

fdx_enrich_test(test_enrich_crypto)
fdx_enrich_test(test_enrich_stages)
fdx_enrich_test(test_enrich_mmdb)
target_link_libraries(test_enrich_mmdb PRIVATE m)
fdx_enrich_test(test_mmdb_index)
fdx_enrich_test(test_enrich_docs)
fdx_enrich_test(test_enrich_e2e)
target_link_libraries(test_enrich_e2e PRIVATE PkgConfig::PCAP)
set_tests_properties(unit.test_enrich_e2e PROPERTIES LABELS "unit;e2e")

# Benchmark (not a test): bench_enrich CORPUS_DIR SCRATCH_DIR
if(FDX_BUILD_BENCH)
  add_executable(bench_enrich bench/bench_enrich.c)
  target_link_libraries(bench_enrich PRIVATE fdx_enrich)
endif()

# Daemon level: flowdex replay with every stage on.
if(TARGET flowdex)
  add_test(NAME e2e.enrich_replay
           COMMAND ${Python3_EXECUTABLE}
                   ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_e2e_enrich_replay.py
                   $<TARGET_FILE:flowdex> ${FDX_CORPUS_DIR} ${FDX_ENRICH_DATA})
  set_tests_properties(e2e.enrich_replay PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 120)
  if(FDX_PERL)
    set_tests_properties(e2e.enrich_replay PROPERTIES FIXTURES_REQUIRED enrich_mmdb)
  endif()
endif()

# Operator-supplied tables (prefix CSV, CAIDA text): fuzz target + seed replay.
fdx_fuzz_target(fuzz_enrich_tables fuzz_enrich_tables.c)
