# sFlow v5 decoder, packet-header parser, counter documents.
fdx_unit_test(test_packet_headers unit/sflow_gen.c)
fdx_unit_test(test_sflow_v5 unit/sflow_gen.c)
fdx_unit_test(test_document_counters unit/sflow_gen.c)
fdx_fuzz_target(fuzz_sflow_v5 fuzz_sflow_v5.c)
fdx_fuzz_target(fuzz_packet_headers fuzz_packet_headers.c)

# In-process capture decoder for the oracle check and the sfacctd side-by-side.
add_executable(sflow_dump integration/sflow_dump.c)
target_link_libraries(sflow_dump PRIVATE fdx_decoders PkgConfig::PCAP)

# golden.sflow.<capture>: every sFlow capture of the corpus against its Wireshark oracle.
function(fdx_sflow_golden name pcap oracle)
  add_test(NAME golden.sflow.${name}
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/golden/sflow_oracle.py
                   $<TARGET_FILE:sflow_dump> ${pcap} ${oracle})
  set_tests_properties(golden.sflow.${name} PROPERTIES LABELS golden SKIP_RETURN_CODE 77)
endfunction()
file(GLOB _sflow_caps "${FDX_CORPUS_DIR}/sflow/*.pcap")
if(_sflow_caps)
  foreach(_cap ${_sflow_caps})
    get_filename_component(_name ${_cap} NAME_WE)
    fdx_sflow_golden(${_name} ${_cap} ${_cap}.tshark.records.json)
  endforeach()
  set(_mixed "${FDX_CORPUS_DIR}/mixed")
  fdx_sflow_golden(mixed.tcpdump__sflow_multiple_counter_30_pdus
                   ${_mixed}/tcpdump__sflow_multiple_counter_30_pdus.pcap
                   ${_mixed}/tcpdump__sflow_multiple_counter_30_pdus.pcap.tshark.records.json)
  fdx_sflow_golden(mixed.derived__v5_v9_ipfix_sflow ${_mixed}/derived__v5_v9_ipfix_sflow.pcap
                   ${_mixed}/derived__v5_v9_ipfix_sflow.pcap.sflow.tshark.records.json)
else()
  fdx_sflow_golden(corpus_missing ${FDX_CORPUS_DIR}/sflow/none.pcap none.json)
endif()
