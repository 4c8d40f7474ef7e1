"""flowdex replay against the UDP path: every capture of the corpus is replayed with
`flowdex replay` and also sent, datagram by datagram, over loopback UDP to a running flowdex
(a loopback address per exporter address of the capture, a socket per exporter port, so each
exporter keeps its own template state); the two sets of documents must be equal once the fields that name the receiving side (exporter
address, receive time) are set aside. Then the capture formats the corpus lacks, generated
here from corpus captures: pcapng, Linux cooked SLL and SLL2, 802.1Q and QinQ tags, raw IP,
BSD loopback, an IPFIX file (RFC 5655); each must give the same documents as the original.
A truncated capture exits 1 with a message naming the file; --filter selects packets; bad
--speed values and replay options outside replay exit 2."""
import collections
import glob
import json
import os
import shutil
import socket
import struct
import subprocess
import sys

import e2e_common as e2e

MAX_DATAGRAMS = 20000  # bound on what one run sends
# Both paths keep templates and early data sets as long as the configuration allows; replay
# runs on the capture's clock, so a capture whose template is older than that when its data
# comes (a live collector would have forgotten it too) cannot match the UDP path.
CONFIG = {"decode": {"template_timeout": "7d", "pending_timeout": "1h"}}
TEMPLATE_LIFETIME_S = 7 * 86400


def read_pcap(path):
    """(linktype, [(ts_sec, ts_usec, frame)]) of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    linktype = struct.unpack_from(end + "I", data, 20)[0]
    off, out = 24, []
    while off + 16 <= len(data):
        sec, usec, caplen, _ = struct.unpack_from(end + "IIII", data, off)
        out.append((sec, usec, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return linktype, out


def write_pcap(path, linktype, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for sec, usec, frame in packets:
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


def ip_of(linktype, frame):
    """The IP packet inside a frame (Ethernet with tags, or SLL), or None."""
    if linktype == 1:
        et, pos = struct.unpack_from("!H", frame, 12)[0], 14
        while et in (0x8100, 0x88A8):
            et, pos = struct.unpack_from("!H", frame, pos + 2)[0], pos + 4
        return frame[pos:] if et in (0x0800, 0x86DD) else None
    if linktype == 113:
        return frame[16:] if struct.unpack_from("!H", frame, 14)[0] in (0x0800, 0x86DD) else None
    return None


def udp_of(ip):
    """(source address, source port, payload) of an unfragmented UDP packet, or None."""
    if not ip:
        return None
    if ip[0] >> 4 == 4:
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17 or struct.unpack_from("!H", ip, 6)[0] & 0x3FFF:
            return None
        src, body = socket.inet_ntop(socket.AF_INET, ip[12:16]), ip[ihl:]
    elif ip[0] >> 4 == 6:
        if ip[6] != 17:
            return None
        src, body = socket.inet_ntop(socket.AF_INET6, ip[8:24]), ip[40:]
    else:
        return None
    if len(body) < 8:
        return None
    sport, _, ulen = struct.unpack_from("!HHH", body, 0)
    if ulen < 8 or ulen > len(body):
        return None
    return src, sport, body[8:ulen]


def normalise(doc):
    """The document without what names the receiving side."""
    doc.pop("observer", None)
    doc.get("event", {}).pop("created", None)
    nf = doc.get("netflow", {})
    nf.get("exporter", {}).pop("address", None)
    if str(nf.get("type", "")).startswith("sflow") or "timestamp" not in nf.get("exporter", {}):
        doc.pop("@timestamp", None)  # no export time (sFlow, or 0): it is the receive time
        for k in ("start", "end", "duration"):
            doc.get("event", {}).pop(k, None)
    return json.dumps(doc, sort_keys=True)


def config_file(wd):
    path = os.path.join(wd, "flowdex.json")
    if not os.path.exists(path):
        with open(path, "w") as f:
            json.dump(CONFIG, f)
    return path


def replay_docs(binary, files, wd, extra=()):
    out = os.path.join(wd, "replay.ndjson")
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.run([binary, "replay", "--config", config_file(wd), "--workers", "1",
                        "--output", out] + list(extra) +
                       files, capture_output=True, timeout=300)
    e2e.check(p.returncode == 0, "replay %s: exit %d: %s" % (files, p.returncode,
                                                            p.stderr.decode()[-2000:]))
    return e2e.read_docs(out) if os.path.exists(out) else []


def udp_path(binary, captures, wd):
    """Sends every capture over loopback; returns {capture: [documents]}."""
    out = os.path.join(wd, "udp.ndjson")
    port, mport = e2e.free_port(), e2e.free_port(socket.SOCK_STREAM)
    fdx = e2e.Flowdex(binary, ["--config", config_file(wd), "--listen", "127.0.0.1:%d" % port,
                               "--metrics",
                               "127.0.0.1:%d" % mport, "--output", out, "--workers", "1"], wd)
    by_port, sent, socks, addrs = {}, 0, [], {}
    try:
        fdx.wait_ready()
        for cap, dgrams in captures:
            exporters = {}
            for key, payload in dgrams:
                s = exporters.get(key)
                if s is None:
                    # A loopback address per exporter address (exporter state is per
                    # address), a socket per exporter port.
                    n = addrs.setdefault((cap, key[0]), len(addrs) + 1)
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.bind(("127.1.%d.%d" % (n >> 8, n & 255), 0))
                    exporters[key] = s
                    socks.append(s)
                    by_port["%s:%d" % s.getsockname()] = cap
                s.sendto(payload, ("127.0.0.1", port))
                sent += 1
                if sent % 64 == 0:  # stay far below the socket buffer
                    fdx.wait_metric(lambda m: sum(
                        v for k, v in m.items() if k.startswith("flowdex_datagrams_total"))
                        >= sent)
        fdx.wait_metric(lambda m: sum(
            v for k, v in m.items() if k.startswith("flowdex_datagrams_total")) >= sent)
        e2e.check(fdx.stop() == 0, "daemon exit code")
    except BaseException:
        fdx.kill()
        raise
    finally:
        for s in socks:
            s.close()
    docs = collections.defaultdict(list)
    for d in e2e.read_docs(out):
        docs[by_port.get(d.get("netflow", {}).get("exporter", {}).get("address"))].append(d)
    return docs, sent


def corpus_captures(corpus, wd):
    files = sorted(glob.glob(os.path.join(corpus, "*", "*.pcap")))
    if not files:
        e2e.skip("shared corpus not found under %s" % corpus)
    out = []
    for path in files:
        src = path
        with open(path, "rb") as f:
            if f.read(4) == b"\x0a\x0d\x0d\x0a":  # pcapng: classic copy for this reader
                src = os.path.join(wd, os.path.basename(path) + ".classic.pcap")
                subprocess.run(["editcap", "-F", "pcap", path, src], check=True, timeout=60)
        linktype, pkts = read_pcap(src)
        if pkts and max(p[0] for p in pkts) - min(p[0] for p in pkts) > TEMPLATE_LIFETIME_S:
            print("not compared (spans more than the template lifetime): %s" %
                  os.path.basename(path))
            continue
        dgrams = []
        for _, _, frame in pkts:
            u = udp_of(ip_of(linktype, frame))
            if u is not None:
                dgrams.append(((u[0], u[1]), u[2]))
        if not dgrams:  # IPFIX over TCP: replay vs daemon in test_e2e_ipfix_tcp.py
            print("not compared (no UDP datagram): %s" % os.path.basename(path))
            continue
        out.append((path, dgrams))
    return out


def compare_with_udp(binary, corpus, wd):
    captures = corpus_captures(corpus, wd)
    total = sum(len(d) for _, d in captures)
    e2e.check(total <= MAX_DATAGRAMS, "corpus too large for this test: %d" % total)
    udp, sent = udp_path(binary, captures, wd)
    ndocs, bad = 0, []
    for path, _ in captures:
        got = sorted(normalise(d) for d in replay_docs(binary, [path], wd))
        want = sorted(normalise(d) for d in udp.get(path, []))
        ndocs += len(got)
        if got != want:
            bad.append("%s: replay %d documents, UDP %d; first difference: %s" % (
                os.path.basename(path), len(got), len(want),
                next(((g, w) for g, w in zip(got, want) if g != w), "(counts)")))
    e2e.check(not bad, "\n".join(bad[:5]))
    print("replay == UDP path: %d captures, %d datagrams, %d documents" %
          (len(captures), sent, ndocs))


def vlan(frame, tags):
    """An Ethernet frame with the given (tpid, vid) tags inserted after the MACs."""
    return frame[:12] + b"".join(struct.pack("!HH", t, v) for t, v in tags) + frame[12:]


def variants(linktype, pkts):
    """{name: (linktype, packets)}: the same IP packets under other link layers."""
    ips = [(s, u, ip_of(linktype, f)) for s, u, f in pkts]
    ips = [(s, u, ip) for s, u, ip in ips if ip]
    eth = [(s, u, b"\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa" +
            struct.pack("!H", 0x86DD if ip[0] >> 4 == 6 else 0x0800) + ip) for s, u, ip in ips]

    def et(ip):
        return 0x86DD if ip[0] >> 4 == 6 else 0x0800
    return {
        "vlan": (1, [(s, u, vlan(f, [(0x8100, 42)])) for s, u, f in eth]),
        "qinq": (1, [(s, u, vlan(f, [(0x88A8, 7), (0x8100, 42)])) for s, u, f in eth]),
        "sll": (113, [(s, u, struct.pack("!HHH8sH", 0, 1, 6, b"\x00\x66\x77\x88\x99\xaa",
                                         et(ip)) + ip) for s, u, ip in ips]),
        "sll2": (276, [(s, u, struct.pack("!HHIHBB8s", et(ip), 0, 2, 1, 0, 6,
                                          b"\x00\x66\x77\x88\x99\xaa") + ip)
                       for s, u, ip in ips]),
        "raw": (101, ips),
        "null": (0, [(s, u, struct.pack("=I", 2 if ip[0] >> 4 == 4 else 30) + ip)
                     for s, u, ip in ips]),
    }


def check_formats(binary, corpus, wd):
    picks = [os.path.join(corpus, "netflow9", "gen-softflowd_v9.pcap"),
             os.path.join(corpus, "sflow", "akvorado__data-sflow-ipv4-data.pcap"),
             os.path.join(corpus, "netflow5", "graylog__pmacctd-netflow5.pcap")]
    picks = [p for p in picks if os.path.exists(p)]
    e2e.check(picks, "no capture to derive formats from")
    for path in picks:
        want = sorted(json.dumps(d, sort_keys=True) for d in replay_docs(binary, [path], wd)
                      if d.pop("event", {}) is not None)
        e2e.check(len(want) > 0, "%s gave no documents" % path)
        linktype, pkts = read_pcap(path)
        forms = variants(linktype, pkts)
        for name, (lt, p) in forms.items():
            f = os.path.join(wd, "%s.%s.pcap" % (os.path.basename(path), name))
            write_pcap(f, lt, p)
            forms[name] = f
        ng = os.path.join(wd, os.path.basename(path) + ".pcapng")
        subprocess.run(["editcap", "-F", "pcapng", forms["vlan"], ng], check=True, timeout=60)
        forms["pcapng+vlan"] = ng
        for name, f in forms.items():
            got = sorted(json.dumps(d, sort_keys=True) for d in replay_docs(binary, [f], wd)
                         if d.pop("event", {}) is not None)
            e2e.check(got == want, "%s as %s: %d documents, %d expected" %
                      (os.path.basename(path), name, len(got), len(want)))
        print("%s: same %d documents as %s" % (os.path.basename(path), len(want),
                                               ", ".join(sorted(forms))))


def check_ipfix_file(binary, corpus, wd):
    path = os.path.join(corpus, "ipfix", "gen-softflowd_ipfix.pcap")
    if not os.path.exists(path):
        path = sorted(glob.glob(os.path.join(corpus, "ipfix", "*.pcap")))[0]
    linktype, pkts = read_pcap(path)
    msgs = [u[2] for u in (udp_of(ip_of(linktype, f)) for _, _, f in pkts) if u]
    f = os.path.join(wd, "messages.ipfix")
    with open(f, "wb") as o:
        o.write(b"".join(msgs))
    want = sorted(normalise(d) for d in replay_docs(binary, [path], wd))
    got = sorted(normalise(d) for d in replay_docs(binary, [f], wd))
    e2e.check(len(want) > 0 and got == want, "IPFIX file: %d documents, %d expected" %
              (len(got), len(want)))
    print("IPFIX file of %d messages: same %d documents as the capture" % (len(msgs), len(got)))
    # A file that ends inside a message is an error.
    with open(f, "ab") as o:
        o.write(msgs[0][:10])
    p = subprocess.run([binary, "replay", "--output", os.devnull, f], capture_output=True,
                       timeout=60)
    e2e.check(p.returncode == 1 and "messages.ipfix" in p.stderr.decode(), p.stderr.decode())


def check_corrupt(binary, corpus, wd):
    path = os.path.join(corpus, "netflow5", "gen-softflowd_v5.pcap")
    data = open(path, "rb").read()
    f = os.path.join(wd, "cut.pcap")
    with open(f, "wb") as o:
        o.write(data[:len(data) // 2])  # ends inside a packet record
    p = subprocess.run([binary, "replay", "--output", os.devnull, f], capture_output=True,
                       timeout=60)
    err = p.stderr.decode()
    e2e.check(p.returncode == 1 and "cut.pcap" in err and "read error" in err, err)
    p = subprocess.run([binary, "replay", "--output", os.devnull, "--filter", "udp port (",
                        path], capture_output=True, timeout=60)
    e2e.check(p.returncode == 1 and "bad --filter" in p.stderr.decode(), p.stderr.decode())
    print("truncated capture and bad filter: exit 1 with a message")


def check_options(binary, corpus, wd):
    """--filter selects packets (BPF), --speed and --realtime are validated and replay-only."""
    path = os.path.join(corpus, "mixed", "derived__v5_v9_ipfix_sflow.pcap")
    if not os.path.exists(path):
        return
    every = replay_docs(binary, [path], wd)
    only_v5 = replay_docs(binary, [path], wd, ["--filter", "src host 192.0.2.21"])
    v5 = [d for d in every if d.get("observer", {}).get("ip") == "192.0.2.21"]
    e2e.check(len(v5) > 0 and len(only_v5) == len(v5) and
              all(d["observer"]["ip"] == "192.0.2.21" for d in only_v5),
              "--filter: %d documents, %d from 192.0.2.21 expected" % (len(only_v5), len(v5)))
    none = replay_docs(binary, [path], wd, ["--filter", "udp port 9"])
    e2e.check(none == [], "--filter udp port 9: %d documents" % len(none))
    fast = replay_docs(binary, [path], wd, ["--speed", "1e6"])
    e2e.check(len(fast) == len(every), "--speed 1e6: %d documents, %d expected" %
              (len(fast), len(every)))
    for bad in (["replay", "--speed", "0", path], ["replay", "--speed", "x", path],
                ["--realtime"], ["--filter", "udp"]):
        p = subprocess.run([binary] + bad, capture_output=True, timeout=60)
        e2e.check(p.returncode == 2, "%s: exit %d" % (bad, p.returncode))
    print("--filter picks %d of %d documents; bad --speed and replay options outside replay "
          "exit 2" % (len(only_v5), len(every)))


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    if not os.path.isdir(corpus):
        e2e.skip("shared corpus not found under %s" % corpus)
    if shutil.which("editcap") is None:
        e2e.skip("editcap (wireshark-common) not installed")
    wd = e2e.workdir()
    compare_with_udp(binary, corpus, wd)
    check_formats(binary, corpus, wd)
    check_ipfix_file(binary, corpus, wd)
    check_corrupt(binary, corpus, wd)
    check_options(binary, corpus, wd)
    shutil.rmtree(wd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
