# IPFIX over TCP: listener end to end, replay of a TCP capture, stream reassembly.
add_test(NAME e2e.ipfix_tcp
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_e2e_ipfix_tcp.py
                 $<TARGET_FILE:flowdex> ${FDX_CORPUS_DIR})
set_tests_properties(e2e.ipfix_tcp PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 120)

# Reassembly of captured TCP segments into IPFIX messages (replay, golden dump).
fdx_unit_test(test_tcp_reassembly)

# Which listen entries open TCP, the TCP keys and their validation.
fdx_unit_test(test_tcp_config)
target_link_libraries(test_tcp_config PRIVATE fdx_spine)

# Reassembly under libFuzzer (FDX_FUZZ) and as a seed replay test: reordered, duplicated,
# overlapping and lost segments; messages handed over must be the stream's, in order.
fdx_fuzz_target(fuzz_tcp_reasm fuzz_tcp_reasm.c)
