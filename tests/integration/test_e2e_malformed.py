"""Malformed input over loopback: a valid NetFlow v5 datagram cut at every length, wrong
counts, an unknown version, garbage, an sFlow datagram. The drop counters on /metrics and in
the shutdown summary must match exactly what each datagram deserves."""
import os
import shutil
import socket
import struct
import sys

import e2e_common as e2e


def classify(p):
    """(reason or None, records) as flowdex's dispatch + v5 decoder must count it."""
    if len(p) < 4:
        return "unknown_protocol", 0
    v16 = struct.unpack_from("!H", p, 0)[0]
    if v16 != 5:
        return "unknown_protocol", 0
    if len(p) < 24:
        return "truncated", 0
    count = struct.unpack_from("!H", p, 2)[0]
    if count == 0 or count > 30:
        return "nf5_bad_count", 0
    if len(p) - 24 < 48 * count:
        return "nf5_count_mismatch", 0
    return None, count


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    valid = [p for p in e2e.pcaputil.udp_payloads(
        os.path.join(corpus, "netflow5", "logstash__netflow5_mikrotik.pcap"))
        if e2e.pcaputil.v5_expected(p)] if os.path.isdir(corpus) else []
    sflow = e2e.corpus_files(corpus, "sflow")
    if not valid:
        e2e.skip("no valid NetFlow v5 datagram in the corpus")
    base = valid[0]
    cases = [base[:n] for n in range(len(base))]
    count = struct.unpack_from("!H", base, 2)[0]
    for bad in (0, 31, 0xFFFF, count + 1):
        cases.append(base[:2] + struct.pack("!H", bad) + base[4:])
    cases.append(struct.pack("!H", 7) + base[2:])           # NetFlow v7: not recognised
    cases.append(bytes(range(0xC0, 0x100)) * 4)              # garbage
    cases.append(b"\x00\x00\x00\x07" + base[4:])             # sFlow-like, version 7
    cases.append(base)                                       # one good one
    expected = {}
    records = 0
    for c in cases:
        reason, n = classify(c)
        records += n
        if reason:
            expected[reason] = expected.get(reason, 0) + 1
    sflow_dg = e2e.pcaputil.udp_payloads(sflow[0])[0]

    wd = e2e.workdir()
    out = os.path.join(wd, "out.ndjson")
    port, mport = e2e.free_port(), e2e.free_port(socket.SOCK_STREAM)
    fdx = e2e.Flowdex(binary, ["--listen", "127.0.0.1:%d" % port, "--metrics",
                               "127.0.0.1:%d" % mport, "--output", out], wd)
    try:
        fdx.wait_ready()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for c in cases + [sflow_dg]:
            s.sendto(c, ("127.0.0.1", port))
        n_sent = len(cases) + 1
        m = fdx.wait_metric(lambda m: sum(v for k, v in m.items()
                                          if k.startswith("flowdex_datagrams_total{")) >= n_sent)
        e2e.check(m['flowdex_datagrams_total{protocol="sflow_v5"}'] == 1, "sflow datagram")
        e2e.check(m['flowdex_datagrams_total{protocol="netflow_v5"}'] ==
                  n_sent - 1 - expected["unknown_protocol"], "netflow_v5 datagrams")
        e2e.check(m['flowdex_records_total{protocol="netflow_v5"}'] == records,
                  "records %s != %d" % (m['flowdex_records_total{protocol="netflow_v5"}'],
                                        records))
        for reason in ("truncated", "nf5_bad_count", "nf5_count_mismatch", "unknown_protocol",
                       "bad_version", "ring_full", "no_batch"):
            key = 'flowdex_dropped_datagrams_total{reason="%s"}' % reason
            e2e.check(m[key] == expected.get(reason, 0),
                      "%s: %s != %d" % (reason, m[key], expected.get(reason, 0)))
            print("%-20s %d ok" % (reason, m[key]))
        # The sFlow datagram is either decoded or refused as a whole, never lost silently.
        sflow_records = m['flowdex_records_total{protocol="sflow_v5"}']
        e2e.check(sflow_records > 0 or
                  m['flowdex_dropped_datagrams_total{reason="unsupported_protocol"}'] == 1,
                  "sflow datagram not accounted for")
        rc = fdx.stop()
        e2e.check(rc == 0, "exit code %d" % rc)
    except BaseException:
        fdx.kill()
        print(fdx.log())
        raise
    log = fdx.log()
    for reason, n in expected.items():
        line = "flowdex summary: dropped %s (decode): datagrams %d records 0" % (reason, n)
        e2e.check(line in log, "summary lacks: %s\n%s" % (line, log))
    docs = e2e.read_docs(out)
    e2e.check(len(docs) == records + sflow_records, "documents %d" % len(docs))
    shutil.rmtree(wd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
