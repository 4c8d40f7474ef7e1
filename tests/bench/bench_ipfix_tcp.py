"""IPFIX-over-TCP ingest figures (prints, asserts nothing about speed).

Starts flowdex on 127.0.0.1 (ipfix@, output to /dev/null), then sends the IPFIX stream of the
corpus capture gen-softflowd_ipfix_tcp.pcap COPIES times back to back over CONNS concurrent
connections, and reports records/s and MB/s from the first byte sent to the moment
/metrics counts every record.

usage: bench_ipfix_tcp.py FLOWDEX CORPUS_DIR [COPIES [CONNS [WORKERS]]]"""
import os
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import e2e_common as e2e  # noqa: E402
import ipfix_tcp_stream  # noqa: E402


def sender(port, payload, src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    copies = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    conns = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    workers = sys.argv[5] if len(sys.argv) > 5 else "1"
    path = os.path.join(corpus, "ipfix", "gen-softflowd_ipfix_tcp.pcap")
    stream = list(ipfix_tcp_stream.streams(path).values())[0]
    per_copy = 1422
    payload = stream * copies
    wd = e2e.workdir()
    port, mport = e2e.free_port(socket.SOCK_STREAM), e2e.free_port(socket.SOCK_STREAM)
    fdx = e2e.Flowdex(binary, ["--listen", "ipfix@127.0.0.1:%d" % port, "--metrics",
                               "127.0.0.1:%d" % mport, "--output", "/dev/null", "--workers",
                               workers], wd)
    try:
        fdx.wait_ready()
        t0 = time.monotonic()
        threads = [threading.Thread(target=sender, args=(port, payload, "127.0.0.%d" % (i + 1)))
                   for i in range(conns)]
        for t in threads:
            t.start()
        want = per_copy * copies * conns
        fdx.wait_metric(lambda m: m.get('flowdex_records_total{protocol="ipfix"}', 0) >= want,
                        deadline_s=600)
        secs = time.monotonic() - t0
        for t in threads:
            t.join(60)
        m = fdx.metrics()
        fdx.stop()
    except BaseException:
        fdx.kill()
        raise
    mb = len(payload) * conns / 1e6
    drops = sum(v for k, v in m.items() if k.startswith("flowdex_dropped_total"))
    print("ipfix over tcp: %d connection(s) x %.1f MB, %d records in %.2f s: %.0f records/s, "
          "%.1f MB/s, drops %d, workers %s" % (conns, mb / conns, want, secs, want / secs,
                                                mb / secs, drops, workers))


if __name__ == "__main__":
    main()
