# Document encoding: JSON writer unit tests and the encoding benchmark.
fdx_unit_test(test_json_keys)

# Benchmark (not a test): bench_encode CAPTURE.pcap [CAPTURE.pcap ...]
if(FDX_BUILD_BENCH)
  add_executable(bench_encode bench/bench_encode.c)
  target_link_libraries(bench_encode PRIVATE fdx_outputs PkgConfig::PCAP)
endif()
