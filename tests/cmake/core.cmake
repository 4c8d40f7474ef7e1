# Base layer and shared pieces.
fdx_unit_test(test_reader)
