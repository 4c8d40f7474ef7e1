# Golden tests (decoders vs. Wireshark), NetFlow v5 unit tests, fuzzing tools.

# --- Golden framework ------------------------------------------------------------------------
# decode_dump: capture -> decoders in process -> one canonical JSON line per record.
add_executable(decode_dump golden/decode_dump.c golden/record_json.c)
target_include_directories(decode_dump PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/golden)
target_link_libraries(decode_dump PRIVATE fdx_decoders PkgConfig::PCAP)

# fdx_golden_tests(FAMILY DIR [FIELDMAP file]): one ctest golden.FAMILY.<capture> for every
# ${FDX_CORPUS_DIR}/DIR/*.pcap, comparing decode_dump's output with the capture's
# *.tshark.records.json through tests/golden/fieldmap_<map>.json (default: cflow).
# Without the corpus, a single golden.FAMILY test skips (exit 77) with a message.
function(fdx_golden_tests family dir)
  cmake_parse_arguments(G "" "FIELDMAP" "" ${ARGN})
  if(NOT G_FIELDMAP)
    set(G_FIELDMAP cflow)
  endif()
  set(fieldmap ${CMAKE_CURRENT_SOURCE_DIR}/golden/fieldmap_${G_FIELDMAP}.json)
  set(compare ${CMAKE_CURRENT_SOURCE_DIR}/golden/compare.py)
  file(GLOB captures ${FDX_CORPUS_DIR}/${dir}/*.pcap)
  if(NOT captures)
    add_test(NAME golden.${family}
             COMMAND ${Python3_EXECUTABLE} -c
                     "print('skipped: no captures in ${FDX_CORPUS_DIR}/${dir} (set FDX_CORPUS_DIR)'); raise SystemExit(77)")
    set_tests_properties(golden.${family} PROPERTIES LABELS golden SKIP_RETURN_CODE 77)
    return()
  endif()
  foreach(cap ${captures})
    get_filename_component(name ${cap} NAME_WLE)
    add_test(NAME golden.${family}.${name}
             COMMAND ${Python3_EXECUTABLE} ${compare} --dump $<TARGET_FILE:decode_dump>
                     --fieldmap ${fieldmap} ${cap})
    set_tests_properties(golden.${family}.${name} PROPERTIES LABELS golden
                         SKIP_RETURN_CODE 77)
  endforeach()
endfunction()

fdx_golden_tests(netflow5 netflow5)

# The NetFlow v5 + v9 + IPFIX view of the derived mixed capture (its sFlow datagrams are
# compared by the sFlow golden tests; the cflow field map lists the protocols it covers).
set(_fdx_derived ${FDX_CORPUS_DIR}/mixed/derived__v5_v9_ipfix_sflow.pcap)
if(EXISTS ${_fdx_derived})
  add_test(NAME golden.mixed.cflow.derived__v5_v9_ipfix_sflow
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/golden/compare.py
                   --dump $<TARGET_FILE:decode_dump>
                   --fieldmap ${CMAKE_CURRENT_SOURCE_DIR}/golden/fieldmap_cflow.json
                   ${_fdx_derived})
  set_tests_properties(golden.mixed.cflow.derived__v5_v9_ipfix_sflow PROPERTIES
                       LABELS golden SKIP_RETURN_CODE 77)
endif()

# The comparator itself: an altered field, a missing record or an unexpected drop must fail.
add_test(NAME golden.compare_selftest
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/golden/test_compare.py
                 $<TARGET_FILE:decode_dump> ${FDX_CORPUS_DIR}/netflow5/graylog__netflow5.pcap)
set_tests_properties(golden.compare_selftest PROPERTIES LABELS golden SKIP_RETURN_CODE 77)

# --- NetFlow v5 and shared unit tests -----------------------------------------------------------
# pktgen.c (datagram builders) and decode_harness.c (decode context + one batch) are shared
# by decoder tests and fuzz targets: add them as extra sources.
set(FDX_PKTGEN_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/pktgen.c
    ${CMAKE_CURRENT_SOURCE_DIR}/unit/decode_harness.c)
fdx_unit_test(test_netflow_v5 ${FDX_PKTGEN_SOURCES})
fdx_unit_test(test_timeconv)

# --- Fuzzing --------------------------------------------------------------------------------
fdx_fuzz_target(fuzz_netflow_v5 fuzz_netflow_v5.c)
foreach(t fuzz_netflow_v5_replay fuzz_netflow_v5)
  if(TARGET ${t})
    target_sources(${t} PRIVATE ${FDX_PKTGEN_SOURCES})
    target_include_directories(${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  endif()
endforeach()

# nf5_seeds OUTDIR: rewrites the committed v5 seeds from pktgen.
add_executable(nf5_seeds tools/nf5_seeds.c unit/pktgen.c)
target_include_directories(nf5_seeds PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)

# pcap_to_seeds OUTDIR CAPTURE...: one file per UDP payload (fuzz seeds from the corpus).
add_executable(pcap_to_seeds tools/pcap_to_seeds.c)
target_include_directories(pcap_to_seeds PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tools)
target_link_libraries(pcap_to_seeds PRIVATE fdx_decoders PkgConfig::PCAP)
fdx_unit_test(test_document ${FDX_PKTGEN_SOURCES})
fdx_unit_test(test_json_writer)
fdx_unit_test(test_pcap_udp unit/pktgen.c)
target_include_directories(test_pcap_udp PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tools)
target_link_libraries(test_pcap_udp PRIVATE PkgConfig::PCAP)
