"""IPFIX over TCP end to end: flowdex on 127.0.0.1 listens on one port for UDP and TCP
(ipfix@). The IPFIX byte stream of the corpus capture exported by softflowd over TCP
(reassembled in Python) is sent on two concurrent connections from two exporter addresses,
one split into 1-byte and message-straddling chunks, the other in 1000-byte chunks. Then:
a SIGHUP reload, garbage on a third connection (closed, tcp_framing counted, a fourth connection opened
before it keeps decoding), a connection over tcp_max_connections (closed, tcp_conn_limit),
a connection that ends inside a message (tcp_partial). After SIGTERM by PID the documents of
each exporter are exactly the Wireshark oracle's records (addresses, ports, bytes, packets)
and the counters are exact; `flowdex replay` of the capture gives the same documents. Also:
the idle timeout, ipfix_tcp off, and back-pressure through a pipeline far too small."""
import collections
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import e2e_common as e2e
import ipfix_tcp_stream

CAPTURE = "gen-softflowd_ipfix_tcp.pcap"


def oracle_records(path):
    """(src, sport, dst, dport, bytes, packets) of each flow record, and the options count."""
    with open(path + ".tshark.records.json") as f:
        frames = json.load(f)
    flows, options = [], 0
    for fr in frames:
        for pdu in fr["pdus"]:
            for s in pdu["sets"]:
                for r in s.get("records", []):
                    if "cflow.octets" not in r:
                        options += 1
                        continue
                    src = r.get("cflow.srcaddr") or r.get("cflow.srcaddrv6")
                    dst = r.get("cflow.dstaddr") or r.get("cflow.dstaddrv6")
                    flows.append((src, int(r["cflow.srcport"]), dst, int(r["cflow.dstport"]),
                                  int(r["cflow.octets"]), int(r["cflow.packets"])))
    return flows, options


def doc_key(d):
    src, dst, net = d.get("source", {}), d.get("destination", {}), d.get("network", {})
    return (src.get("ip"), src.get("port"), dst.get("ip"), dst.get("port"), net.get("bytes"),
            net.get("packets"))


def normalise(doc):
    """The document without what names the receiving side or the connection."""
    doc.pop("observer", None)
    doc.get("event", {}).pop("created", None)
    doc.get("netflow", {}).get("exporter", {}).pop("address", None)
    return json.dumps(doc, sort_keys=True)


def messages(stream):
    """Splits the stream into its IPFIX messages (header length)."""
    out, off = [], 0
    while off < len(stream):
        n = int.from_bytes(stream[off + 2:off + 4], "big")
        out.append(stream[off:off + n])
        off += n
    return out


def connect(port, src="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(10.0)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def send_awkward(port, stream, errors):
    """Connection A: 1-byte chunks for the first 3 messages, then chunks that straddle
    message boundaries (7, 1359, 3, 5000 bytes, ...)."""
    try:
        s = connect(port, "127.0.0.1")
        first = sum(len(m) for m in messages(stream)[:3])
        for i in range(first):
            s.sendall(stream[i:i + 1])
        sizes, k, i = (7, 1359, 3, 5000, 1, 2), 0, first
        while i < len(stream):
            n = sizes[k % len(sizes)]
            s.sendall(stream[i:i + n])
            i += n
            k += 1
        s.shutdown(socket.SHUT_WR)
        s.recv(1)  # the collector closes after the end of stream
        s.close()
    except Exception as e:  # reported by the main thread
        errors.append("connection A: %r" % e)


def send_chunks(port, stream, errors):
    """Connection B, from another loopback address: 1000-byte chunks."""
    try:
        s = connect(port, "127.0.0.2")
        for i in range(0, len(stream), 1000):
            s.sendall(stream[i:i + 1000])
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
        s.close()
    except Exception as e:
        errors.append("connection B: %r" % e)


def closed_by_peer(s):
    """True when the collector closed s (end of stream or reset) within the deadline."""
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def dropped(m, reason):
    return m.get('flowdex_dropped_total{stage="decode",reason="%s"}' % reason, 0)


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    path = os.path.join(corpus, "ipfix", CAPTURE)
    if not os.path.exists(path):
        e2e.skip("%s not found under %s" % (CAPTURE, corpus))
    streams = ipfix_tcp_stream.streams(path)
    e2e.check(len(streams) == 1, "one TCP connection in the capture")
    stream = list(streams.values())[0]
    msgs = messages(stream)
    flows, options = oracle_records(path)
    e2e.check(len(msgs) == 53 and len(flows) == 1418 and options == 4,
              "capture: %d messages %d flows %d options" % (len(msgs), len(flows), options))

    wd = e2e.workdir()
    out = os.path.join(wd, "out.ndjson")
    port, mport = e2e.free_port(socket.SOCK_STREAM), e2e.free_port(socket.SOCK_STREAM)
    conf = os.path.join(wd, "flowdex.json")
    with open(conf, "w") as f:
        f.write('{"tcp_max_connections": 3}')
    fdx = e2e.Flowdex(binary, ["--config", conf, "--listen", "ipfix@127.0.0.1:%d" % port,
                               "--metrics", "127.0.0.1:%d" % mport, "--output", out,
                               "--workers", "2"], wd)
    try:
        fdx.wait_ready()
        # 1. Two concurrent connections, two exporters.
        errors = []
        ta = threading.Thread(target=send_awkward, args=(port, stream, errors))
        tb = threading.Thread(target=send_chunks, args=(port, stream, errors))
        ta.start()
        tb.start()
        ta.join(60)
        tb.join(60)
        e2e.check(not ta.is_alive() and not tb.is_alive(), "senders did not finish")
        e2e.check(not errors, "; ".join(errors))
        per_exporter = len(flows) + options
        m = fdx.wait_metric(lambda m: m.get('flowdex_records_total{protocol="ipfix"}', 0)
                            >= 2 * per_exporter)
        e2e.check(m['flowdex_datagrams_total{protocol="ipfix"}'] == 2 * len(msgs),
                  "datagrams %s" % m['flowdex_datagrams_total{protocol="ipfix"}'])

        # 2. Framing error on C; D (templates sent first) keeps decoding afterwards, across a
        # SIGHUP reload.
        d = connect(port, "127.0.0.3")
        d.sendall(msgs[0])  # templates, options and the first flows
        fdx.proc.send_signal(signal.SIGHUP)
        end = time.monotonic() + 20
        while "reload: stages reloaded" not in fdx.log() and time.monotonic() < end:
            time.sleep(0.05)
        e2e.check("reload: stages reloaded" in fdx.log(), "SIGHUP reload not logged")
        c = connect(port, "127.0.0.4")
        c.sendall(b"GET / HTTP/1.0\r\n\r\n" + b"\x00" * 64)
        e2e.check(closed_by_peer(c), "garbage connection not closed")
        c.close()
        m = fdx.wait_metric(lambda m: dropped(m, "tcp_framing") >= 1)
        e2e.check(dropped(m, "tcp_framing") == 1, "tcp_framing %s" % dropped(m, "tcp_framing"))
        d.sendall(b"".join(msgs[1:4]))
        d_seqs = {int.from_bytes(x[8:12], "big") for x in msgs[:4]}
        m = fdx.wait_metric(lambda m: m['flowdex_datagrams_total{protocol="ipfix"}'] >=
                            2 * len(msgs) + 4)
        # 3. Connection bound: D plus E, F make 3 open; G is accepted and closed.
        e = connect(port, "127.0.0.5")
        f_ = connect(port, "127.0.0.6")
        g = connect(port, "127.0.0.7")
        e2e.check(closed_by_peer(g), "connection over tcp_max_connections not closed")
        g.close()
        m = fdx.wait_metric(lambda m: dropped(m, "tcp_conn_limit") >= 1)
        e2e.check(dropped(m, "tcp_conn_limit") == 1, "tcp_conn_limit %s" %
                  dropped(m, "tcp_conn_limit"))
        m = fdx.wait_metric(lambda m: m.get("flowdex_tcp_connections") == 3)
        e2e.check(m.get("flowdex_tcp_connections") == 3,
                  "flowdex_tcp_connections %s, want 3" % m.get("flowdex_tcp_connections"))
        # 4. A connection that ends inside a message, once a slot is free.
        f_.close()
        e.sendall(msgs[0][:10])
        e.close()
        m = fdx.wait_metric(lambda m: dropped(m, "tcp_partial") >= 1)
        e2e.check(dropped(m, "tcp_partial") == 1, "tcp_partial %s" % dropped(m, "tcp_partial"))
        d.close()
        m = fdx.wait_metric(lambda m: m.get("flowdex_tcp_connections") == 0)
        e2e.check(m.get("flowdex_tcp_connections") == 0,
                  "flowdex_tcp_connections %s, want 0" % m.get("flowdex_tcp_connections"))
        e2e.check_exposition(fdx.get("/metrics")[1])
        total = m['flowdex_records_total{protocol="ipfix"}']
        m = fdx.wait_metric(lambda m: m.get("flowdex_documents_written_total", 0) >= total)
        rc = fdx.stop()
        e2e.check(rc == 0, "exit code %d" % rc)
    except Exception:
        fdx.kill()
        print(fdx.log())
        raise

    docs = e2e.read_docs(out)
    e2e.check(len(docs) == total, "documents %d != records %d" % (len(docs), total))
    by_exp = collections.defaultdict(list)
    for doc in docs:
        by_exp[doc["observer"]["ip"]].append(doc)
    want = collections.Counter(flows)
    for exp in ("127.0.0.1", "127.0.0.2"):
        got = collections.Counter(doc_key(x) for x in by_exp[exp]
                                  if "bytes" in x.get("network", {}))
        e2e.check(got == want, "%s: flows differ from the oracle: missing %s, extra %s" %
                  (exp, list((want - got).elements())[:3], list((got - want).elements())[:3]))
        e2e.check(len(by_exp[exp]) == per_exporter, "%s: %d documents" % (exp, len(by_exp[exp])))
    # D's documents: exactly those of its four messages (A's, checked above, by sequence).
    d_keys = collections.Counter(doc_key(x) for x in by_exp["127.0.0.3"])
    a_keys = collections.Counter(doc_key(x) for x in by_exp["127.0.0.1"]
                                 if x["netflow"]["exporter"]["sequence"] in d_seqs)
    e2e.check(d_keys == a_keys and len(by_exp["127.0.0.3"]) > 16,  # msgs[0] holds 16
              "connection D after the framing error: %d documents, expected %d" %
              (len(by_exp["127.0.0.3"]), sum(a_keys.values())))
    e2e.check(not by_exp.get("127.0.0.4"), "documents from the garbage connection")
    # Replay of the capture: the same documents as the daemon got over TCP.
    rep = os.path.join(wd, "replay.ndjson")
    p = subprocess.run([binary, "replay", "--output", rep, path], capture_output=True,
                       timeout=120)
    e2e.check(p.returncode == 0, "replay exit %d: %s" % (p.returncode, p.stderr[-2000:]))
    e2e.check(b"51 TCP segments (53 IPFIX messages)" in p.stderr, "replay stats: %s" %
              p.stderr[-2000:])
    got = sorted(normalise(x) for x in e2e.read_docs(rep))
    want = sorted(normalise(x) for x in by_exp["127.0.0.1"])
    e2e.check(got == want, "replay: %d documents, daemon over TCP %d; first difference: %s" %
              (len(got), len(want), next(((g, w) for g, w in zip(got, want) if g != w),
                                         "(counts)")))
    idle_and_off(binary, stream)
    backpressure(binary, stream)
    print("ok: 2 x %d records over TCP match the oracle, and the replay of the capture; "
          "framing, connection bound, cut message and idle connection counted; ipfix_tcp off "
          "opens no TCP socket; a tiny pipeline slows the sender, drops nothing" % per_exporter)


def idle_and_off(binary, stream):
    """tcp_idle_timeout closes a silent connection (tcp_idle), after its first message was
    decoded; with ipfix_tcp off, the same listen entry opens no TCP socket."""
    wd = e2e.workdir()
    port, mport = e2e.free_port(socket.SOCK_STREAM), e2e.free_port(socket.SOCK_STREAM)
    conf = os.path.join(wd, "flowdex.json")
    with open(conf, "w") as f:
        f.write('{"tcp_idle_timeout": "1s"}')
    fdx = e2e.Flowdex(binary, ["--config", conf, "--listen", "ipfix@127.0.0.1:%d" % port,
                               "--metrics", "127.0.0.1:%d" % mport, "--output",
                               os.path.join(wd, "out.ndjson")], wd)
    try:
        fdx.wait_ready()
        s = connect(port)
        s.sendall(messages(stream)[0])
        e2e.check(closed_by_peer(s), "idle connection not closed")
        s.close()
        m = fdx.wait_metric(lambda m: dropped(m, "tcp_idle") >= 1)
        e2e.check(dropped(m, "tcp_idle") == 1 and dropped(m, "tcp_partial") == 0,
                  "tcp_idle %s tcp_partial %s" % (dropped(m, "tcp_idle"),
                                                  dropped(m, "tcp_partial")))
        e2e.check(m['flowdex_datagrams_total{protocol="ipfix"}'] == 1, "first message decoded")
        e2e.check(fdx.stop() == 0, "exit code")
    except Exception:
        fdx.kill()
        print(fdx.log())
        raise
    with open(os.path.join(wd, "off.json"), "w") as f:
        f.write('{"ipfix_tcp": false}')
    fdx = e2e.Flowdex(binary, ["--config", os.path.join(wd, "off.json"), "--listen",
                               "ipfix@127.0.0.1:%d" % port, "--metrics", "127.0.0.1:%d" % mport,
                               "--output", os.path.join(wd, "o2")], wd)
    try:
        fdx.wait_ready()
        try:
            connect(port).close()
            refused = False
        except ConnectionRefusedError:
            refused = True
        e2e.check(refused, "ipfix_tcp false: TCP still accepted")
        e2e.check(fdx.stop() == 0, "exit code")
    except Exception:
        fdx.kill()
        print(fdx.log())
        raise


def backpressure(binary, stream):
    """A pipeline far too small for the stream (1-record batches, 2 per producer, rings of
    2, no listener_wait): the TCP listener waits for the workers instead of dropping, so every
    record of 8 copies of the stream is written and no drop is counted."""
    wd = e2e.workdir()
    port, mport = e2e.free_port(socket.SOCK_STREAM), e2e.free_port(socket.SOCK_STREAM)
    conf = os.path.join(wd, "flowdex.json")
    with open(conf, "w") as f:
        f.write('{"batch_size": 1, "batch_count": 2, "ring_size": 2, "listener_wait": 0}')
    out = os.path.join(wd, "out.ndjson")
    fdx = e2e.Flowdex(binary, ["--config", conf, "--listen", "ipfix@127.0.0.1:%d" % port,
                               "--metrics", "127.0.0.1:%d" % mport, "--output", out,
                               "--workers", "2"], wd)
    copies, per_copy = 8, 1422
    try:
        fdx.wait_ready()
        s = connect(port)
        s.sendall(stream * copies)
        m = fdx.wait_metric(lambda m: m.get("flowdex_documents_written_total", 0) >=
                            copies * per_copy, deadline_s=100)
        s.close()
        drops = {k: v for k, v in m.items() if k.startswith("flowdex_dropped_total") and v}
        e2e.check(not drops, "drops: %s" % drops)
        e2e.check(m['flowdex_records_total{protocol="ipfix"}'] == copies * per_copy,
                  "records %s" % m['flowdex_records_total{protocol="ipfix"}'])
        e2e.check(fdx.stop() == 0, "exit code")
    except Exception:
        fdx.kill()
        print(fdx.log())
        raise
    e2e.check(len(e2e.read_docs(out)) == copies * per_copy, "documents in the output")


if __name__ == "__main__":
    main()
