# Tools for load tests and benchmarks.
add_executable(flowgen tools/flowgen.c tools/flowgen_encode.c)
target_include_directories(flowgen PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tools)

add_test(NAME e2e.flowgen_tshark
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_flowgen_tshark.py
                 $<TARGET_FILE:flowgen>)
set_tests_properties(e2e.flowgen_tshark PROPERTIES LABELS e2e SKIP_RETURN_CODE 77)

# flowdex replay: every corpus capture gives the same documents as the UDP path; pcapng, SLL,
# SLL2, VLAN/QinQ, raw IP, loopback and IPFIX files generated at test time; corrupt input.
add_test(NAME e2e.replay_vs_udp
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_replay_vs_udp.py
                 $<TARGET_FILE:flowdex> ${FDX_CORPUS_DIR})
set_tests_properties(e2e.replay_vs_udp PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 300)

# The capture frame walker under libFuzzer (FDX_FUZZ) and as a seed replay test.
fdx_fuzz_target(fuzz_capture fuzz_capture.c)
