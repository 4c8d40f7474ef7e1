/* Writes the committed NetFlow v5 fuzz seeds (tests/fuzz/corpus/fuzz_netflow_v5/) from the
 * pktgen builders, so every seed is reproducible: nf5_seeds OUTDIR. */
#include <stdio.h>
#include <string.h>

#include "pktgen.h"

static struct fdx_pktgen p;

static int write_seed(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p.buf, 1, p.len, f) != p.len) {
        perror(path);
        if (f != NULL) {
            fclose(f);
        }
        return 1;
    }
    return fclose(f) != 0;
}

static void build(const struct fdx_pktgen_nf5_hdr *h, const struct fdx_pktgen_nf5_rec *r,
                  unsigned n)
{
    fdx_pktgen_init(&p);
    fdx_pktgen_nf5(&p, h, r, n);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: nf5_seeds OUTDIR\n");
        return 2;
    }
    const char *dir = argv[1];
    struct fdx_pktgen_nf5_hdr h;
    static struct fdx_pktgen_nf5_rec r[30];
    for (int i = 0; i < 30; i++) {
        fdx_pktgen_nf5_rec_default(&r[i]);
        r[i].src += (uint32_t)i;
        r[i].first_ms -= (uint32_t)i * 1000;
    }
    int rc = 0;
    fdx_pktgen_nf5_hdr_default(&h, 1);
    build(&h, r, 1);
    rc |= write_seed(dir, "one_record");

    fdx_pktgen_nf5_hdr_default(&h, 30);
    build(&h, r, 30);
    rc |= write_seed(dir, "thirty_records");

    fdx_pktgen_nf5_hdr_default(&h, 2);
    h.sampling = 1u << 14 | 512;
    h.uptime_ms = 100; /* wrapped */
    r[1].ip_proto = 1;
    r[1].dst_port = 0x0800;
    build(&h, r, 2);
    rc |= write_seed(dir, "sampled_icmp_wrapped");

    fdx_pktgen_nf5_hdr_default(&h, 1);
    build(&h, r, 1);
    fdx_pktgen_zeros(&p, 12);
    rc |= write_seed(dir, "trailing_padding");

    fdx_pktgen_nf5_hdr_default(&h, 3);
    build(&h, r, 2);
    rc |= write_seed(dir, "count_mismatch");

    fdx_pktgen_nf5_hdr_default(&h, 0);
    build(&h, r, 0);
    rc |= write_seed(dir, "header_only");
    return rc;
}
