# The collector spine: ring, configuration, pipeline, docs drift, end-to-end runs.
fdx_unit_test(test_ring)
target_link_libraries(test_ring PRIVATE fdx_spine)
fdx_unit_test(test_config)
target_link_libraries(test_config PRIVATE fdx_spine)
fdx_unit_test(test_pipeline)
target_link_libraries(test_pipeline PRIVATE fdx_spine)
fdx_unit_test(test_spine_docs)
target_link_libraries(test_spine_docs PRIVATE fdx_spine)
target_compile_definitions(test_spine_docs PRIVATE FDX_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

# End to end: flowdex on loopback, driven by Python (standard library only).
foreach(e2e netflow5_loopback malformed check_config ipv6_loopback replay reload)
  add_test(NAME e2e.${e2e}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_e2e_${e2e}.py
                   $<TARGET_FILE:flowdex> ${FDX_CORPUS_DIR})
  set_tests_properties(e2e.${e2e} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()

# Benchmark (not a test): ring throughput by burst size.
if(FDX_BUILD_BENCH)
  add_executable(bench_ring bench/bench_ring.c)
  target_link_libraries(bench_ring PRIVATE fdx_spine)
endif()
