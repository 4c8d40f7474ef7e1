/* The enrichment tables read from operator files: prefix-table CSV and CAIDA
 * AS-to-organisation text. Parses the input as both, then looks up a few addresses and AS
 * numbers in whatever was accepted. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "asorg.h"
#include "prefix_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fdx_err err;
    const char *text = (const char *)data;
    struct fdx_ptable *t = fdx_ptable_parse(text, size, "fuzz.csv", 100000, &err);
    if (t != NULL) {
        static const char *const probe[] = {"10.1.2.3", "0.0.0.0", "255.255.255.255",
                                            "2001:db8::1", "::", "::ffff:1.2.3.4"};
        for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
            struct fdx_addr a;
            fdx_addr_parse(probe[i], &a);
            long row = fdx_ptable_lookup(t, &a);
            for (unsigned c = 0; c < fdx_ptable_ncols(t); c++) {
                size_t len;
                const char *v = fdx_ptable_value(t, row, c, &len);
                if (v != NULL) {
                    volatile char first = v[0], last = v[len - 1]; /* in bounds */
                    (void)first;
                    (void)last;
                }
            }
        }
        fdx_ptable_free(t);
    }
    struct fdx_asorg_table *o = fdx_asorg_parse(text, size, "fuzz.txt", &err);
    if (o != NULL) {
        size_t len;
        for (uint32_t as = 0; as < 70000; as += 997) {
            (void)fdx_asorg_find(o, as, &len);
        }
        (void)fdx_asorg_find(o, UINT32_MAX, &len);
        fdx_asorg_table_free(o);
    }
    return 0;
}
