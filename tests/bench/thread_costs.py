#!/usr/bin/env python3
"""CPU per record of each flowdex thread, and of the generator, at a fixed UDP send rate below
the loss point: where a machine's cores go when flowdex ingests (never fails on speed).

  tests/bench/thread_costs.py --build build-rel [--geoip CITY.mmdb --asn ASN.mmdb]
      [--protocols v5,v9,ipfix,sflow] [--rate 600000] [--seconds 3]

For each protocol (and enriched, when databases are given) it prints the records flowdex
wrote, and the µs of CPU (user + system) per record of the generator process (its sends,
which on loopback include the kernel's delivery into flowdex's socket), of each flowdex
thread by name (fdx-udp:PORT receives and decodes, fdx-worker0 enriches and encodes,
fdx-output writes) and of all of flowdex.
"""
import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

RECORDS_PER_DATAGRAM = {"v5": 30, "v9": 28, "ipfix": 22, "sflow": 10}
TICK = os.sysconf("SC_CLK_TCK")


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def thread_cpu(pid):
    """{thread name: CPU seconds} of a process's threads (same-named threads summed)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / TICK
    return out


def metric(port, name):
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in body.splitlines()
               if line.startswith(name + " ") or line.startswith(name + "{"))


def run(args, proto, enrich, tmp):
    port, mport = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM)
    cfg = os.path.join(tmp, "flowdex.json")
    with open(cfg, "w") as f:
        json.dump({"rcvbuf_bytes": 32 << 20}, f)
    cmd = [os.path.join(args.build, "collector", "flowdex"), "--listen", f"127.0.0.1:{port}",
           "--output", "/dev/null", "--metrics", f"127.0.0.1:{mport}", "--log-level", "warn",
           "--config", cfg] + (["--geoip", args.geoip, "--asn", args.asn] if enrich else [])
    fdx = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{mport}/health", timeout=1)
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("flowdex did not start")
                time.sleep(0.05)
        before = thread_cpu(fdx.pid)
        dgrams = args.rate / RECORDS_PER_DATAGRAM[proto]
        gen0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([os.path.join(args.build, "tests", "flowgen"), "--proto", proto,
                        "--dest", f"127.0.0.1:{port}", "--rate", str(dgrams), "--count",
                        str(int(dgrams * args.seconds)), "--duration", str(args.seconds * 3),
                        "--template-every", "50"], check=True, stdout=subprocess.DEVNULL,
                       timeout=args.seconds * 5 + 30)
        gen1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        last, stable = -1, time.time()
        while time.time() - stable < 0.5 and time.time() < deadline + 30:
            n = metric(mport, "flowdex_output_file_documents_total")
            if n != last:
                last, stable = n, time.time()
            time.sleep(0.1)
        after = thread_cpu(fdx.pid)
    finally:
        fdx.terminate()
        fdx.wait(timeout=30)
    gen = (gen1.ru_utime + gen1.ru_stime) - (gen0.ru_utime + gen0.ru_stime)
    per = {name: after[name] - before.get(name, 0.0) for name in after}
    return last, gen, per


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build-rel")
    ap.add_argument("--geoip")
    ap.add_argument("--asn")
    ap.add_argument("--protocols", default="v5,v9,ipfix,sflow")
    ap.add_argument("--rate", type=float, default=600000, help="records/s sent")
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    runs = [False] + ([True] if args.geoip and args.asn else [])
    print(f"µs of CPU per record written, at {args.rate / 1e3:.0f} k records/s sent for "
          f"{args.seconds:.0f} s")
    print("| protocol | enrichment | records written | generator | fdx-udp | fdx-worker0 | "
          "fdx-output | flowdex in all |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for proto in args.protocols.split(","):
            for enrich in runs:
                n, gen, per = run(args, proto, enrich, tmp)
                if n <= 0:
                    print(f"| {proto} | {'GeoIP+ASN' if enrich else 'none'} | 0 | | | | | |")
                    continue
                udp = sum(v for k, v in per.items() if k.startswith("fdx-udp"))
                us = lambda s: f"{s * 1e6 / n:.2f}"
                print(f"| {proto} | {'GeoIP+ASN' if enrich else 'none'} | {n:,} | {us(gen)} | "
                      f"{us(udp)} | {us(per.get('fdx-worker0', 0))} | "
                      f"{us(per.get('fdx-output', 0))} | {us(sum(per.values()))} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
