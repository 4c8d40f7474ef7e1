#!/usr/bin/env python3
"""Writes a classic pcap of synthetic NetFlow v5 export datagrams (Ethernet/IPv4/UDP to port
2055), for volume tests and benchmarks: DATAGRAMS datagrams of 30 records each, every record
a distinct flow, end times spread over three days so that several daily indices are used.

usage: gen_nf5_pcap.py OUT.pcap DATAGRAMS [--start EPOCH_S]
"""
import argparse
import struct


def datagram(seq, base_s, n=30):
    uptime_ms = 3_600_000
    hdr = struct.pack("!HHIIIIBBH", 5, n, uptime_ms, base_s, 0, seq * n, 0, 1, 0)
    recs = []
    for i in range(n):
        k = seq * n + i
        src = 0x0A000000 | (k & 0xFFFFFF)
        dst = 0xC0A80000 | ((k * 7) & 0xFFFF)
        first = uptime_ms - 5000 - (i * 10)
        last = uptime_ms - 1000 - i
        recs.append(struct.pack("!IIIHHIIIIHHBBBBHHBBH", src, dst, 0, 1, 2, 10 + k % 90,
                                1500 * (1 + k % 50), first, last, 1024 + k % 50000,
                                [53, 80, 443, 123][k % 4], 0, 0x1B, [6, 17][k % 2], 0,
                                64512, 65000 + k % 10, 24, 16, 0))
    return hdr + b"".join(recs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("datagrams", type=int)
    ap.add_argument("--start", type=int, default=1767225600)  # 2026-01-01T00:00:00Z
    a = ap.parse_args()
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for s in range(a.datagrams):
            base = a.start + (s * 259200) // max(a.datagrams, 1)  # three days
            payload = datagram(s, base)
            udp = struct.pack("!HHHH", 40000, 2055, 8 + len(payload), 0) + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), s & 0xFFFF, 0, 64, 17, 0,
                             bytes([192, 0, 2, 1]), bytes([198, 51, 100, 1])) + udp
            eth = b"\x00\x00\x5e\x00\x53\x01" + b"\x00\x00\x5e\x00\x53\x02" + b"\x08\x00" + ip
            f.write(struct.pack("<IIII", base, 0, len(eth), len(eth)) + eth)


if __name__ == "__main__":
    main()
