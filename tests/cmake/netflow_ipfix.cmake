# NetFlow v9 and IPFIX decoders: unit tests, fuzz targets, benchmark.
if(FDX_BUILD_BENCH)
  add_executable(bench_decode_template bench/bench_decode_template.c tools/flowgen_encode.c)
  target_include_directories(bench_decode_template PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tools)
  target_link_libraries(bench_decode_template PRIVATE fdx_decoders PkgConfig::PCAP)
endif()
fdx_unit_test(test_nf9_ipfix)
fdx_unit_test(test_ipfix_stream)
