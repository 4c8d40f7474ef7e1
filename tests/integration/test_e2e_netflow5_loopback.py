"""flowdex on 127.0.0.1 receives every NetFlow v5 datagram of the corpus over UDP, one socket
(source port) per capture; after SIGTERM the NDJSON output holds exactly the records computed
independently from each pcap, with their addresses, ports and byte counts, and exit code 0."""
import collections
import ipaddress
import os
import shutil
import socket
import struct
import sys
import time

import e2e_common as e2e


def expected_records(payload):
    """(src, sport, dst, dport, bytes, packets) of every record flowdex must emit."""
    n = e2e.pcaputil.v5_expected(payload)
    rate = struct.unpack_from("!H", payload, 22)[0] & 0x3FFF
    mult = rate if rate > 1 else 1
    out = []
    for i in range(n):
        r = payload[24 + 48 * i:24 + 48 * (i + 1)]
        src = str(ipaddress.IPv4Address(r[0:4]))
        dst = str(ipaddress.IPv4Address(r[4:8]))
        pkts, octets = struct.unpack_from("!II", r, 16)
        sport, dport = struct.unpack_from("!HH", r, 32)
        proto = r[38]
        if proto not in (6, 17):
            sport = dport = None
        out.append((src, sport, dst, dport, octets * mult, pkts * mult))
    return out


def doc_key(d):
    src, dst, net = d.get("source", {}), d.get("destination", {}), d.get("network", {})
    tcp_udp = net.get("iana_number") in ("6", "17")
    return (src.get("ip"), src.get("port") if tcp_udp else None, dst.get("ip"),
            dst.get("port") if tcp_udp else None, net.get("bytes"), net.get("packets"))


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    files = e2e.corpus_files(corpus, "netflow5")
    wd = e2e.workdir()
    out = os.path.join(wd, "out.ndjson")
    port, mport = e2e.free_port(), e2e.free_port(socket.SOCK_STREAM)
    # Two SO_REUSEPORT sockets (two listener threads, two producers) x two workers.
    conf = os.path.join(wd, "flowdex.json")
    with open(conf, "w") as f:
        f.write('{"reuseport": 2}')
    fdx = e2e.Flowdex(binary, ["--config", conf, "--listen", "127.0.0.1:%d" % port, "--metrics",
                               "127.0.0.1:%d" % mport, "--output", out, "--workers", "2"], wd)
    try:
        fdx.wait_ready()
        sent, total, by_port = 0, 0, {}
        socks = []
        for path in files:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            exp = []
            for p in e2e.pcaputil.udp_payloads(path):
                s.sendto(p, ("127.0.0.1", port))
                sent += 1
                exp += expected_records(p)
                if sent % 16 == 0:
                    time.sleep(0.002)  # bounded pacing: well under the socket buffer
            by_port[s.getsockname()[1]] = (os.path.basename(path), exp)
            total += len(exp)
        m = fdx.wait_metric(
            lambda m: sum(v for k, v in m.items() if k.startswith("flowdex_datagrams_total"))
            >= sent and m.get("flowdex_documents_written_total", 0) >= total)
        e2e.check(m['flowdex_records_total{protocol="netflow_v5"}'] == total,
                  "records_total %s != %d" % (m['flowdex_records_total{protocol="netflow_v5"}'],
                                              total))
        e2e.check(m.get("flowdex_kernel_drops_total", 0) == 0, "kernel drops")
        e2e.check_exposition(fdx.get("/metrics")[1])
        e2e.check('flowdex_ring_batches{producer="1",worker="1"}' in m, "two producers")
        for reason in ("truncated", "ring_full", "no_batch", "output_full", "es_rejected"):
            e2e.check(any(k.startswith("flowdex_dropped_total{") and
                          'reason="%s"' % reason in k for k in m), "reason %s listed" % reason)
        rc = fdx.stop()
        e2e.check(rc == 0, "exit code %d" % rc)
    except BaseException:
        fdx.kill()
        print(fdx.log())
        raise
    log = fdx.log()
    e2e.check("flowdex summary: protocol netflow_v5: datagrams %d records %d" % (sent, total)
              in log, "summary line missing:\n" + log)
    docs = e2e.read_docs(out)
    e2e.check(len(docs) == total, "documents %d != expected %d" % (len(docs), total))
    got = collections.defaultdict(list)
    for d in docs:
        got[int(d["netflow"]["exporter"]["address"].rsplit(":", 1)[1])].append(doc_key(d))
    for sport, (name, exp) in by_port.items():
        e2e.check(collections.Counter(got[sport]) == collections.Counter(exp),
                  "%s: %d documents, expected %d, or fields differ" % (name, len(got[sport]),
                                                                        len(exp)))
        print("%-45s records %4d ok" % (name, len(exp)))
    print("total: %d datagrams, %d documents" % (sent, total))
    shutil.rmtree(wd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
