#!/usr/bin/env python3
"""Side by side: one sFlow capture decoded by flowdex (decode_dump, in process) and by pmacct's
sfacctd (print plugin, renormalisation on) fed the same datagrams over loopback. Compares the
byte and packet totals per 5-tuple (src, dst, sport, dport, proto) and overall.

sfacctd renormalises a sample by the growth of its source's sample pool since the previous
sample, flowdex by the sampling rate (sFlow v5 §4.2.1 estimate; totals agree, per-sample
multipliers do not). With --estimator pool (default) the flowdex side applies sfacctd's rule
to flowdex's own decode, so any per-5-tuple difference is a decoding difference;
--estimator rate compares flowdex's documents' own estimate.

usage: sflow_vs_sfacctd.py DECODE_DUMP CAPTURE.pcap [--port N] [--timeout S]
Exit: 0 when every 5-tuple agrees, 1 on a difference, 77 (skip) when sfacctd or the capture
is missing. Sends only to 127.0.0.1, paced, in a bounded loop; stops sfacctd by its PID.
"""
import argparse
import collections
import csv
import ipaddress
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77


def udp_payloads(path, dport=6343):
    """UDP payloads to dport from a classic Ethernet/IPv4 pcap (the corpus layout)."""
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ihl = (frame[14] & 15) * 4
        udp = frame[14 + ihl:]
        if len(udp) >= 8 and struct.unpack(">H", udp[2:4])[0] == dport:
            ulen = struct.unpack(">H", udp[4:6])[0]
            yield udp[8:ulen]


def key(src, dst, sport, dport, proto):
    norm = lambda a: str(ipaddress.ip_address(a)) if a else "0.0.0.0"
    return (norm(src), norm(dst), int(sport), int(dport), int(proto))


def sample_pool(r):
    for x in r.get("extra", []):
        if x["pen"] == 6343 and x["id"] == 5:  # FDX_SFLOW_X_SAMPLE_POOL
            return int(x["hex"], 16)
    return None


def flowdex_totals(dump, capture, estimator):
    """Per 5-tuple [packets, bytes] from flowdex's records. estimator "rate": flowdex's own
    estimate (frame length x sampling rate, 1 x rate). estimator "pool": the multiplier of
    each sample is the growth of its source's sample pool since the previous sample (the
    first sample of a source uses the rate) -- what sfacctd does when samples carry a pool --
    computed from flowdex's decoded pool, frame length and 5-tuple."""
    out = subprocess.run([dump, capture], stdout=subprocess.PIPE, check=True, timeout=120)
    totals = collections.defaultdict(lambda: [0, 0])
    last_pool = {}
    for line in out.stdout.decode().splitlines():
        r = json.loads(line)
        if "summary" in r or r.get("proto") != "sflow_v5" or r.get("kind") != "flow":
            continue
        packets, nbytes = r["packets"], r["bytes"]
        if estimator == "pool":
            src = (r.get("exporter"), r.get("agent"), r.get("domain_id"), r.get("sampler_id"))
            pool = sample_pool(r)
            mult = r.get("sampling_rate") or 1
            if pool is not None and src in last_pool:
                mult = (pool - last_pool[src]) & 0xffffffff
            if pool is not None:
                last_pool[src] = pool
            packets, nbytes = mult, mult * r.get("frame_len", 0)
        if "src" not in r:
            continue  # no IP header in the sample: sfacctd keys it on 0.0.0.0, not comparable
        k = key(r["src"], r["dst"], r.get("src_port", 0), r.get("dst_port", 0),
                r.get("ip_proto", 0))
        totals[k][0] += packets
        totals[k][1] += nbytes
    return totals


def sfacctd_totals(capture, port, timeout_s, workdir):
    outfile = os.path.join(workdir, "sfacctd.csv")
    conf = os.path.join(workdir, "sfacctd.conf")
    with open(conf, "w") as f:
        f.write("daemonize: false\n"
                "sfacctd_ip: 127.0.0.1\n"
                "sfacctd_port: %d\n"
                "sfacctd_renormalize: true\n"
                "plugins: print\n"
                "aggregate: src_host,dst_host,src_port,dst_port,proto\n"
                "print_output: csv\n"
                "print_num_protos: true\n"
                "print_refresh_time: 1\n"
                "print_output_file_append: true\n"
                "print_output_file: %s\n" % (port, outfile))
    log = open(os.path.join(workdir, "sfacctd.log"), "w")
    proc = subprocess.Popen(["sfacctd", "-f", conf], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:  # wait until it listens (bounded)
            text = open(log.name).read()
            # Ready when the core listens and the print plugin has set up its cache.
            if "waiting for sFlow data" in text and "cache entries=" in text:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("sfacctd did not start; see %s" % log.name)
        time.sleep(0.3)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sent = 0
        for p in udp_payloads(capture):
            if time.monotonic() > deadline:
                raise RuntimeError("send deadline reached after %d datagrams" % sent)
            sock.sendto(p, ("127.0.0.1", port))
            sent += 1
            time.sleep(0.002)  # paced: loopback loss would be sfacctd's, not a decode difference
        sock.close()
        # The print plugin appends what it holds every second once the core hands records
        # over (the core buffers a few): wait until the file stops growing, at most 5 s; the
        # rest is written when sfacctd stops.
        last, stable_since = -1, time.monotonic()
        settle = min(deadline, time.monotonic() + 5)
        while time.monotonic() < settle:
            size = os.path.getsize(outfile) if os.path.exists(outfile) else -1
            if size != last:
                last, stable_since = size, time.monotonic()
            elif size > 0 and time.monotonic() - stable_since >= 2.0:
                break
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)  # by PID; the plugins flush on the way out
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    totals = collections.defaultdict(lambda: [0, 0])
    if os.path.exists(outfile):
        for row in csv.DictReader(open(outfile)):
            k = key(row["SRC_IP"], row["DST_IP"], row["SRC_PORT"], row["DST_PORT"],
                    row["PROTOCOL"])
            totals[k][0] += int(row["PACKETS"])
            totals[k][1] += int(row["BYTES"])
    return totals, sent


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump")
    ap.add_argument("capture")
    ap.add_argument("--port", type=int, default=0, help="UDP port (default: a free one)")
    ap.add_argument("--timeout", type=float, default=40)
    ap.add_argument("--estimator", choices=("rate", "pool"), default="pool",
                    help="flowdex side: its own rate-based estimate, or sfacctd's pool-based "
                         "one computed from flowdex's decode (default)")
    args = ap.parse_args()
    if shutil.which("sfacctd") is None:
        print("skipped: sfacctd (Debian pmacct) is not installed")
        return SKIP
    if not os.path.exists(args.capture):
        print("skipped: %s is missing" % args.capture)
        return SKIP
    if args.port == 0:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("127.0.0.1", 0))
        args.port = probe.getsockname()[1]
        probe.close()
    fdx = flowdex_totals(args.dump, args.capture, args.estimator)
    with tempfile.TemporaryDirectory(prefix="fdx-sfacctd-") as wd:
        pm, sent = sfacctd_totals(args.capture, args.port, args.timeout, wd)
    diffs = [(k, fdx.get(k), pm.get(k)) for k in sorted(set(fdx) | set(pm))
             if fdx.get(k) != pm.get(k)]
    tot = lambda t, i: sum(v[i] for v in t.values())
    print("%s (estimator %s): %d datagrams sent; 5-tuples flowdex %d, sfacctd %d; packets %d / %d; "
          "bytes %d / %d; differing 5-tuples %d"
          % (os.path.basename(args.capture), args.estimator, sent, len(fdx), len(pm), tot(fdx, 0), tot(pm, 0),
             tot(fdx, 1), tot(pm, 1), len(diffs)))
    for k, a, b in diffs[:20]:
        print("DIFF %s flowdex %s sfacctd %s" % (k, a, b))
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
