# Pipeline: batch slot reuse, thread wake-ups.
fdx_unit_test(test_slot_reset)
target_compile_definitions(test_slot_reset PRIVATE FDX_CORPUS="${FDX_CORPUS_DIR}")
target_link_libraries(test_slot_reset PRIVATE PkgConfig::PCAP)
set_tests_properties(unit.test_slot_reset PROPERTIES SKIP_RETURN_CODE 77 LABELS "unit;e2e")
fdx_unit_test(test_sha1_short)
