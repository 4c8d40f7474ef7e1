#!/usr/bin/env python3
"""All flowdex benchmarks in one run, printed as tables (never fails on speed):
  1. decode only, single thread, records/s per protocol, from a generated pcap
     (bench_decode_template: every datagram through fdx_dispatch_datagram, batches recycled);
  2. full pipeline, `flowdex replay` of the same pcaps to NDJSON on /dev/null, without and
     with enrichment (GeoIP + ASN lookups, when MMDB files are given), wall and CPU time;
     with --large-dbs also with GeoIP + ASN databases of 200 000 networks each spread over
     IPv4 (make_bench_mmdb.pl), whose lookups walk the tree below /16 as real ones do;
  3. UDP ingest: zero-loss rate search against pmacct and nfdump (bench_ingest.py);
  4. where the cores go: CPU per record of the generator and of each flowdex thread at a
     fixed send rate (thread_costs.py).
Runs in under 10 minutes on a 2-core machine with the default budget.

  tests/bench/run_bench.py --build build-rel [--geoip CITY.mmdb --asn ASN.mmdb]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATAGRAMS = {"v5": 20000, "v9": 20000, "ipfix": 25000, "sflow": 40000}


def gen_pcap(flowgen, proto, path):
    out = subprocess.run([flowgen, "--proto", proto, "--pcap", path, "--count",
                          str(DATAGRAMS[proto]), "--template-every", "50"],
                         capture_output=True, text=True, check=True, timeout=120).stdout.split()
    return int(out[out.index("records") + 1])


def decode_only(bench, path):
    out = subprocess.run([bench, "-r", "5", path], capture_output=True, text=True,
                         timeout=300).stdout
    m = re.search(r"^corpus: .* ([0-9.]+) records/s", out, re.M)
    return float(m.group(1)) if m else 0.0


def replay(flowdex, path, extra):
    """(wall s, user s, sys s, peak RSS MiB) of one `flowdex replay` run."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen([flowdex, "replay", "--output", "/dev/null", "--log-level",
                              "warn"] + extra + [path], stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        err.seek(0)
        text = err.read().decode(errors="replace")
    if p.returncode != 0:
        raise RuntimeError(text)
    m = re.search(r"documents_written (\d+)", text)
    return wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024, int(m.group(1)) if m else -1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build-rel", help="build directory (RelWithDebInfo)")
    ap.add_argument("--geoip")
    ap.add_argument("--asn")
    ap.add_argument("--protocols", default="v5,v9,ipfix,sflow")
    ap.add_argument("--large-dbs", action="store_true",
                    help="also replay with large generated databases (needs MaxMind::DB::Writer)")
    ap.add_argument("--ingest-budget", type=float, default=350,
                    help="seconds for the UDP ingest search (0: skip it)")
    args = ap.parse_args()
    flowdex = os.path.join(args.build, "collector", "flowdex")
    flowgen = os.path.join(args.build, "tests", "flowgen")
    bench = os.path.join(args.build, "tests", "bench_decode_template")
    protos = args.protocols.split(",")
    start = time.time()
    enrich = ["--geoip", args.geoip, "--asn", args.asn] if args.geoip and args.asn else None
    with tempfile.TemporaryDirectory() as tmp:
        large = None
        if args.large_dbs:
            subprocess.run(["perl", os.path.join(HERE, "make_bench_mmdb.pl"), tmp, "200000"],
                           check=True, timeout=300, stdout=subprocess.DEVNULL)
            large = ["--geoip", os.path.join(tmp, "bench-city.mmdb"),
                     "--asn", os.path.join(tmp, "bench-asn.mmdb")]
        rows = []
        for proto in protos:
            pcap = os.path.join(tmp, proto + ".pcap")
            recs = gen_pcap(flowgen, proto, pcap)
            dec = decode_only(bench, pcap)
            plain = replay(flowdex, pcap, [])
            rich = replay(flowdex, pcap, enrich) if enrich else None
            big = replay(flowdex, pcap, large) if large else None
            rows.append((proto, recs, dec, plain, rich, big))
            print(f"# {proto}: {recs} records, decode {dec:.0f}/s, replay {plain}, "
                  f"enriched {rich}, large databases {big}", flush=True)
    print()
    print("Decode only (single thread) and full pipeline (`flowdex replay` to NDJSON on "
          "/dev/null), records/s")
    print("| protocol | records | decode only | replay, no enrichment | µs CPU/record | "
          "replay, GeoIP+ASN | µs CPU/record | replay, large DBs | µs CPU/record | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for proto, recs, dec, plain, rich, big in rows:
        def cells(r):
            if r is None:
                return "n/a | n/a"
            return f"{recs / r[0] / 1e3:,.0f} k | {(r[1] + r[2]) * 1e6 / recs:.2f}"
        print(f"| {proto} | {recs:,} | {dec / 1e6:.2f} M | {cells(plain)} | {cells(rich)} | "
              f"{cells(big)} | {max(r[3] for r in (plain, rich, big) if r):.0f} MiB |")
    sys.stdout.flush()
    if args.ingest_budget > 0:
        cmd = [sys.executable, os.path.join(HERE, "bench_ingest.py"), "--flowdex", flowdex,
               "--flowgen", flowgen, "--protocols", args.protocols,
               "--budget", str(args.ingest_budget)]
        if enrich:
            cmd += ["--geoip", args.geoip, "--asn", args.asn]
        print()
        sys.stdout.flush()
        subprocess.run(cmd, timeout=args.ingest_budget + 120)
        cmd = [sys.executable, os.path.join(HERE, "thread_costs.py"), "--build", args.build,
               "--protocols", args.protocols]
        if enrich:
            cmd += ["--geoip", args.geoip, "--asn", args.asn]
        print()
        sys.stdout.flush()
        subprocess.run(cmd, timeout=300)
    print(f"\nbenchmarks: {time.time() - start:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
