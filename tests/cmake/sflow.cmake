# sFlow v5 decoder, packet-header parser, counter documents.
fdx_unit_test(test_packet_headers unit/sflow_gen.c)
fdx_unit_test(test_sflow_v5 unit/sflow_gen.c)
fdx_unit_test(test_document_counters unit/sflow_gen.c)
fdx_fuzz_target(fuzz_sflow_v5 fuzz_sflow_v5.c)
fdx_fuzz_target(fuzz_packet_headers fuzz_packet_headers.c)

# golden.sflow.<capture>: every sFlow capture against its Wireshark oracle (compare.py hands
# field maps of layout "sflow" to golden/sflow_oracle.py), and the sFlow captures of mixed/.
fdx_golden_tests(sflow sflow FIELDMAP sflow)
foreach(_cap tcpdump__sflow_multiple_counter_30_pdus derived__v5_v9_ipfix_sflow)
  add_test(NAME golden.sflow.mixed.${_cap}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/golden/compare.py
                   --dump $<TARGET_FILE:decode_dump>
                   --fieldmap ${CMAKE_CURRENT_SOURCE_DIR}/golden/fieldmap_sflow.json
                   ${FDX_CORPUS_DIR}/mixed/${_cap}.pcap)
  set_tests_properties(golden.sflow.mixed.${_cap} PROPERTIES LABELS golden SKIP_RETURN_CODE 77)
endforeach()

# Side by side with pmacct's sfacctd (loopback, bounded, stopped by PID): same 5-tuple totals.
foreach(_cap gen-pmacct_sfprobe akvorado__data-1140 telegraf__sflow_issue_15918)
  add_test(NAME e2e.sflow_vs_sfacctd.${_cap}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/integration/sflow_vs_sfacctd.py
                   $<TARGET_FILE:decode_dump> ${FDX_CORPUS_DIR}/sflow/${_cap}.pcap)
  set_tests_properties(e2e.sflow_vs_sfacctd.${_cap} PROPERTIES LABELS e2e TIMEOUT 120
                       SKIP_RETURN_CODE 77)
endforeach()

# Decode benchmark (prints figures; not a test).
if(FDX_BUILD_BENCH)
  add_executable(bench_sflow_decode bench/bench_sflow_decode.c tools/pcap_udp.c)
  target_include_directories(bench_sflow_decode PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tools)
  target_link_libraries(bench_sflow_decode PRIVATE fdx_decoders PkgConfig::PCAP)
endif()
