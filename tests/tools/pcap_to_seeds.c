/* Splits captures into fuzz seeds: one file per UDP payload, named CAPTURE-FRAME, so fuzzers
 * can start from the shared corpus without copying it into the repository.
 * Usage: pcap_to_seeds OUTDIR CAPTURE...   (prints how many seeds it wrote) */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    size_t w = fwrite(data, 1, len, f);
    if (fclose(f) != 0 || w != len) {
        perror(path);
        return -1;
    }
    return 0;
}

/* Writes the seeds of one capture; returns how many, or -1 on a write error. */
static long split(const char *outdir, const char *capture)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(capture, errbuf);
    if (pc == NULL) {
        fprintf(stderr, "pcap_to_seeds: %s\n", errbuf);
        return 0; /* an unreadable capture is skipped, not fatal */
    }
    const char *base = strrchr(capture, '/');
    base = base != NULL ? base + 1 : capture;
    int dlt = pcap_datalink(pc);
    struct pcap_pkthdr *hdr;
    const u_char *bytes;
    uint64_t frame = 0;
    long written = 0;
    while (pcap_next_ex(pc, &hdr, &bytes) == 1) {
        frame++;
        struct fdx_capture_pkt pkt;
        if (fdx_capture_udp(dlt, bytes, hdr->caplen, &pkt) != FDX_CAPTURE_OK || pkt.len == 0) {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof(path), "%s/%.200s-%" PRIu64, outdir, base, frame);
        if (write_file(path, pkt.payload, pkt.len) != 0) {
            written = -1;
            break;
        }
        written++;
    }
    pcap_close(pc);
    return written;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: pcap_to_seeds OUTDIR CAPTURE...\n");
        return 2;
    }
    long total = 0;
    for (int i = 2; i < argc; i++) {
        long n = split(argv[1], argv[i]);
        if (n < 0) {
            return 1;
        }
        total += n;
    }
    printf("pcap_to_seeds: %ld seeds from %d captures\n", total, argc - 2);
    return 0;
}
