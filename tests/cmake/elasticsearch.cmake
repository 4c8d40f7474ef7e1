# Elasticsearch output: unit tests, and integration tests against the stand-in.
fdx_unit_test(test_es_response)
fdx_unit_test(test_es_bulk)
fdx_unit_test(test_spool)
fdx_unit_test(test_es_template)
target_compile_definitions(test_es_template PRIVATE FDX_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(test_es_template PRIVATE PkgConfig::JSONC)

# The integration driver: decoded corpus captures -> documents -> the Elasticsearch output.
add_executable(es_driver integration/es_driver.c)
target_link_libraries(es_driver PRIVATE fdx_outputs PkgConfig::PCAP PkgConfig::JSONC)

# Integration tests: the driver against the stand-in, loopback only, every process stopped.
foreach(case corpus pmacct gzip auth_basic auth_api_key reload_secret versions faults
        mapping_error sigterm_restart hosts retention)
  add_test(NAME es.${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_es.py ${case}
                   --driver $<TARGET_FILE:es_driver>
                   --standin ${CMAKE_CURRENT_SOURCE_DIR}/integration/es_standin.py
                   --corpus ${FDX_CORPUS_DIR})
  set_tests_properties(es.${case} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()

# Benchmark (not a test): documents/s to a local bulk sink, with and without gzip.
if(FDX_BUILD_BENCH)
  add_executable(bench_es bench/bench_es.c unit/pktgen.c)
  target_include_directories(bench_es PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  target_link_libraries(bench_es PRIVATE fdx_outputs PkgConfig::JSONC Threads::Threads)
endif()

# Fuzzing the bulk response parser and the bulk body walk.
fdx_fuzz_target(fuzz_es_response fuzz_es_response.c)

# Daemon-level: the flowdex binary (replay, and SIGTERM during an outage then restart).
foreach(case replay sigterm)
  add_test(NAME es.daemon_${case}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_es_daemon.py
                   ${case} --flowdex $<TARGET_FILE:flowdex>
                   --standin ${CMAKE_CURRENT_SOURCE_DIR}/integration/es_standin.py
                   --corpus ${FDX_CORPUS_DIR})
  set_tests_properties(es.daemon_${case} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()
