# Elasticsearch output: unit tests, and integration tests against the stand-in.
fdx_unit_test(test_es_response)
fdx_unit_test(test_es_bulk)
fdx_unit_test(test_spool)
fdx_unit_test(test_es_template)
target_compile_definitions(test_es_template PRIVATE FDX_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(test_es_template PRIVATE PkgConfig::JSONC)
