#!/usr/bin/env python3
"""Writes the fuzz seeds of fuzz_netflow_v9 and fuzz_ipfix (small synthetic datagrams built
field by field) into tests/fuzz/corpus/. Run from the repository root; commit the output."""
import os
import struct


def u8(v): return struct.pack(">B", v)
def u16(v): return struct.pack(">H", v)
def u32(v): return struct.pack(">I", v)
def u64(v): return struct.pack(">Q", v)


def set_(sid, body):
    return u16(sid) + u16(len(body) + 4) + body


def nf9(sets, seq=1, uptime=100000, secs=1700000000, src=0):
    return u16(9) + u16(len(sets)) + u32(uptime) + u32(secs) + u32(seq) + u32(src) + b"".join(sets)


def ipfix(sets, seq=0, secs=1700000000, dom=1):
    body = b"".join(sets)
    return u16(10) + u16(16 + len(body)) + u32(secs) + u32(seq) + u32(dom) + body


def fields(spec):
    out = b""
    for f in spec:
        if len(f) == 3:
            out += u16(0x8000 | f[0]) + u16(f[1]) + u32(f[2])
        else:
            out += u16(f[0]) + u16(f[1])
    return out


V9_T = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (1, 4), (2, 4), (21, 4), (22, 4),
        (10, 2), (14, 2), (56, 6), (70, 3), (27, 16)]


def v9_seeds():
    tmpl = set_(0, u16(256) + u16(len(V9_T)) + fields(V9_T))
    rec = (u32(0x0a000001) + u32(0x0a000002) + u16(1234) + u16(80) + u8(6) + u8(0x18) +
           u32(1500) + u32(3) + u32(99000) + u32(98000) + u16(1) + u16(2) +
           b"\x00\x11\x22\x33\x44\x55" + b"\x00\x01\x01" + bytes(range(16)))
    data = set_(256, rec + rec)
    opt_t = set_(1, u16(257) + u16(4) + u16(12) + fields([(1, 4)]) +
                 fields([(48, 1), (49, 1), (50, 4), (82, 8)]) + b"\x00\x00")
    opt_d = set_(257, u32(0) + u8(1) + u8(2) + u32(100) + b"eth0\x00\x00\x00\x00" + b"\x00\x00")
    nsel_t = set_(0, u16(260) + u16(5) + fields([(8, 4), (40001, 4), (40005, 1), (323, 8),
                                                  (33000, 12)]))
    nsel_d = set_(260, u32(1) + u32(2) + u8(1) + u64(1700000000123) + bytes(12))
    return {
        "template_data": nf9([tmpl, data]),
        "data_then_template": nf9([data, tmpl]),
        "options_sampling": nf9([opt_t, opt_d, tmpl, data]),
        "nsel": nf9([nsel_t, nsel_d]),
        "zero_fill": nf9([tmpl, data]) + bytes(32),
    }


IPFIX_T = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 8), (2, 4), (152, 8), (153, 8),
           (154, 8), (158, 4), (27, 16), (80, 6)]


def ipfix_seeds():
    tmpl = set_(2, u16(256) + u16(len(IPFIX_T)) + fields(IPFIX_T))
    rec = (u32(0x0a000001) + u32(0x0a000002) + u16(1234) + u16(80) + u8(17) + u64(1500) +
           u32(3) + u64(1700000000123) + u64(1700000000456) + u64(0xe9000000_80000000) +
           u32(5000) + bytes(range(16)) + b"\x00\x11\x22\x33\x44\x55")
    data = set_(256, rec)
    var_t = set_(2, u16(300) + u16(6) + fields([(82, 0xffff), (1, 8, 29305), (2, 4, 29305),
                                                (7, 2, 29305), (42, 0xffff, 35632), (210, 3)]))
    var_d = set_(300, u8(4) + b"eth0" + u64(777) + u32(5) + u16(8080) + u8(255) + u16(3) +
                 b"abc" + bytes(3))
    opt_t = set_(3, u16(400) + u16(3) + u16(1) + fields([(149, 4), (305, 4), (306, 4)]))
    opt_d = set_(400, u32(1) + u32(1) + u32(99))
    withdraw = set_(2, u16(256) + u16(0))
    withdraw_all = set_(2, u16(2) + u16(0))
    m1 = ipfix([tmpl, data])
    return {
        "template_data": m1,
        "varlen_enterprise_reverse": ipfix([var_t, var_d]),
        "options_sampling": ipfix([opt_t, opt_d, tmpl, data]),
        "withdrawal": ipfix([tmpl, withdraw, data, withdraw_all]),
        "data_then_template": ipfix([data, tmpl]),
        "stream_two_messages": m1 + ipfix([data], seq=1),
    }


def main():
    for target, seeds in (("fuzz_netflow_v9", v9_seeds()), ("fuzz_ipfix", ipfix_seeds())):
        d = os.path.join("tests/fuzz/corpus", target)
        os.makedirs(d, exist_ok=True)
        for name, blob in seeds.items():
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(blob)


if __name__ == "__main__":
    main()
