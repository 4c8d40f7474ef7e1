# NetFlow v9 and IPFIX decoders: unit tests, fuzz targets, benchmark.
if(FDX_BUILD_BENCH)
  add_executable(bench_decode_template bench/bench_decode_template.c tools/flowgen_encode.c)
  target_include_directories(bench_decode_template PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tools)
  target_link_libraries(bench_decode_template PRIVATE fdx_decoders PkgConfig::PCAP)
endif()
fdx_unit_test(test_nf9_ipfix)
fdx_unit_test(test_ipfix_stream)
fdx_fuzz_target(fuzz_netflow_v9 fuzz_netflow_v9.c)
fdx_fuzz_target(fuzz_ipfix fuzz_ipfix.c)
fdx_golden_tests(netflow9 netflow9)
fdx_golden_tests(ipfix ipfix)
# NetFlow v9 / IPFIX captures of mixed/ (the pmacct ones; derived__v5_v9_ipfix_sflow also
# holds sFlow and is left to the sFlow golden tests).
file(GLOB _fdx_mixed_cflow ${FDX_CORPUS_DIR}/mixed/pmacct__*.pcap)
foreach(cap ${_fdx_mixed_cflow})
  get_filename_component(name ${cap} NAME_WLE)
  add_test(NAME golden.mixed.${name}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/golden/compare.py
                   --dump $<TARGET_FILE:decode_dump>
                   --fieldmap ${CMAKE_CURRENT_SOURCE_DIR}/golden/fieldmap_cflow.json ${cap})
  set_tests_properties(golden.mixed.${name} PROPERTIES LABELS golden SKIP_RETURN_CODE 77)
endforeach()

# docs/ipfix-elements.md is generated from the IE registry; this keeps them in step.
add_executable(ie_docs tools/ie_docs.c)
target_link_libraries(ie_docs PRIVATE fdx_decoders)
add_test(NAME unit.ie_docs_current
         COMMAND ie_docs --check ${CMAKE_SOURCE_DIR}/docs/ipfix-elements.md)
set_tests_properties(unit.ie_docs_current PROPERTIES LABELS unit)
fdx_unit_test(test_if_names)
# Interface names from options data on real captures (flowdex replay vs. the Wireshark oracle).
if(TARGET flowdex)
  add_test(NAME e2e.ifnames_corpus
           COMMAND ${Python3_EXECUTABLE}
                   ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_e2e_ifnames.py
                   $<TARGET_FILE:flowdex> ${FDX_CORPUS_DIR})
  set_tests_properties(e2e.ifnames_corpus PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()
