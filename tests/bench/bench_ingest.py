#!/usr/bin/env python3
"""UDP ingest benchmark: for each protocol, the highest send rate (records/s) at which a
collector loses less than 0.1% of what was sent, found by probing, for flowdex and, side by side
in the same run, pmacct (nfacctd/sfacctd, print plugin writing JSON to a file) and nfdump
(nfcapd/sfcapd, binary files). Every collector gets the same socket buffer. Kernel drops count
as loss (they are never received). Loopback only; every probe is bounded in count and time and
every collector is stopped by PID. Prints a table; never fails on speed.

  tests/bench/bench_ingest.py --flowdex build/collector/flowdex --flowgen build/tests/flowgen
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

RCVBUF = 32 << 20
LOSS_LIMIT = 0.001


def free_port(kind=socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def proc_tree(pid):
    """pid and its descendants (pmacct forks one process per plugin)."""
    out = [pid]
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return out
    for c in children:
        out.extend(proc_tree(int(c)))
    return out


def usage_of(pids):
    """(cpu seconds, peak RSS in MiB) summed over processes."""
    tick = os.sysconf("SC_CLK_TCK")
    cpu = 0.0
    rss = 0
    for p in pids:
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmHWM:"):
                    rss += int(line.split()[1])
        except OSError:
            pass
    return cpu, rss / 1024


def kernel_udp_drops():
    lines = [l.split() for l in open("/proc/net/snmp") if l.startswith("Udp:")]
    head, vals = lines[0], lines[1]
    return int(vals[head.index("RcvbufErrors")])


class Collector:
    name = ""
    stop_signal = signal.SIGTERM

    def __init__(self, args, proto, tmp):
        self.args, self.proto, self.tmp = args, proto, tmp
        self.port = free_port()
        self.proc = None

    def start(self):
        raise NotImplementedError

    def received(self):
        raise NotImplementedError

    def stop(self):
        """SIGTERM, wait, and return (cpu s, peak RSS MiB) measured just before."""
        pids = proc_tree(self.proc.pid)
        use = usage_of(pids)
        self.proc.send_signal(self.stop_signal)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return use


class Flowdex(Collector):
    def __init__(self, args, proto, tmp, enriched):
        super().__init__(args, proto, tmp)
        self.enriched = enriched
        self.name = "flowdex+enrich" if enriched else "flowdex"
        self.mport = free_port(socket.SOCK_STREAM)

    def start(self):
        cmd = [self.args.flowdex, "--listen", f"127.0.0.1:{self.port}", "--output", "/dev/null",
               "--metrics", f"127.0.0.1:{self.mport}", "--log-level", "warn"]
        cfg = os.path.join(self.tmp, "flowdex.json")
        with open(cfg, "w") as f:
            json.dump({"rcvbuf_bytes": RCVBUF}, f)
        cmd += ["--config", cfg]
        if self.enriched:
            cmd += ["--geoip", self.args.geoip, "--asn", self.args.asn]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.mport}/health", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("flowdex did not start")

    def metric(self, name):
        body = urllib.request.urlopen(f"http://127.0.0.1:{self.mport}/metrics", timeout=5).read()
        total = 0
        for line in body.decode().splitlines():
            if line.startswith(name + "{") or line.startswith(name + " "):
                total += int(float(line.rsplit(" ", 1)[1]))
        return total

    def settle(self):
        """Waits until the documents written stop changing (bounded)."""
        last, stable_since = -1, time.time()
        deadline = time.time() + 20
        while time.time() < deadline:
            n = self.metric("flowdex_output_file_documents_total")
            if n != last:
                last, stable_since = n, time.time()
            elif time.time() - stable_since > 0.5:
                break
            time.sleep(0.1)
        return last

    def received(self):
        return self.docs


class Pmacct(Collector):
    name = "pmacct"
    stop_signal = signal.SIGINT  # pmacct purges its caches and exits on SIGINT

    def start(self):
        daemon = "sfacctd" if self.proto == "sflow" else "nfacctd"
        self.out = os.path.join(self.tmp, f"pmacct-{self.port}.json")
        conf = os.path.join(self.tmp, f"pmacct-{self.port}.conf")
        with open(conf, "w") as f:
            f.write(f"""daemonize: false
{daemon}_ip: 127.0.0.1
{daemon}_port: {self.port}
{daemon}_pipe_size: {RCVBUF}
plugins: print[p]
print_output[p]: json
print_output_file[p]: {self.out}
print_output_file_append[p]: true
print_refresh_time[p]: 1
aggregate[p]: src_host,dst_host,src_port,dst_port,proto
plugin_pipe_size: 268435456
plugin_buffer_size: 65536
""")
        self.proc = subprocess.Popen([shutil.which(daemon), "-f", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # pmacct gives no readiness signal

    def settle(self):
        time.sleep(2.5)  # two purges of the print plugin

    def received(self):
        total = 0
        if os.path.exists(self.out):
            for line in open(self.out):
                if line.startswith("{"):
                    total += json.loads(line).get("packets", 0)
        return total


class Nfdump(Collector):
    name = "nfdump"

    def start(self):
        daemon = "sfcapd" if self.proto == "sflow" else "nfcapd"
        self.dir = os.path.join(self.tmp, f"nfdump-{self.port}")
        os.makedirs(self.dir)
        self.proc = subprocess.Popen([shutil.which(daemon), "-b", "127.0.0.1", "-p",
                                      str(self.port), "-w", self.dir, "-B", str(RCVBUF), "-t",
                                      "3600"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)

    def settle(self):
        time.sleep(0.5)

    def received(self):
        out = subprocess.run(["nfdump", "-R", self.dir, "-I"], capture_output=True, text=True,
                             timeout=60).stdout
        m = re.search(r"^Flows: (\d+)", out, re.M)
        return int(m.group(1)) if m else 0


def probe(args, make, proto, rate, tmp):
    """Sends rate records/s for args.seconds; returns (loss fraction, cpu s, rss MiB)."""
    c = make(proto, tmp)
    c.start()
    fpp = {"v5": 30, "v9": 28, "ipfix": 22, "sflow": 10}[proto]
    dgram_rate = rate / fpp
    count = max(1, int(dgram_rate * args.seconds))
    drops0 = kernel_udp_drops()
    res = subprocess.run([args.flowgen, "--proto", proto, "--dest", f"127.0.0.1:{c.port}",
                          "--rate", str(dgram_rate), "--count", str(count), "--duration",
                          str(args.seconds * 3), "--template-every", "50"],
                         capture_output=True, text=True, timeout=args.seconds * 5 + 30)
    fields = res.stdout.split()
    sent_records = int(fields[fields.index("records") + 1])
    sent_packets = int(fields[fields.index("packets") + 1])
    if isinstance(c, Flowdex):
        c.docs = c.settle()
    else:
        c.settle()
    cpu, rss = c.stop()
    got = c.received()
    kdrops = kernel_udp_drops() - drops0
    sent = sent_packets if isinstance(c, Pmacct) else sent_records
    loss = 1 - got / sent if sent else 1
    return loss, cpu, rss, kdrops


def search(args, make, proto, tmp, deadline):
    """Geometric ascent, then bisection; returns (best rate, cpu, rss, probes)."""
    rate = args.start_rate
    best, best_use, bad = 0, (0, 0), None
    probes = []
    while time.time() < deadline:
        loss, cpu, rss, kdrops = probe(args, make, proto, rate, tmp)
        probes.append((rate, loss, kdrops))
        if loss < LOSS_LIMIT:
            best, best_use = rate, (cpu, rss)
            if bad is None:
                rate *= 2
                if rate > args.max_rate:
                    break
                continue
        else:
            bad = rate
        if bad is not None:
            if best == 0:
                rate = bad / 2
                if rate < 1000:
                    break
                continue
            if bad / best < 1.3:
                break
            rate = (best + bad) / 2
    return best, best_use, probes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flowdex", required=True)
    ap.add_argument("--flowgen", required=True)
    ap.add_argument("--geoip", help="City/Country MMDB for the enriched run")
    ap.add_argument("--asn", help="ASN MMDB for the enriched run")
    ap.add_argument("--protocols", default="v5,v9,ipfix,sflow")
    ap.add_argument("--collectors", default="flowdex,flowdex+enrich,pmacct,nfdump")
    ap.add_argument("--seconds", type=float, default=2.0, help="send time per probe")
    ap.add_argument("--start-rate", type=float, default=100000)
    ap.add_argument("--max-rate", type=float, default=20e6)
    ap.add_argument("--budget", type=float, default=540, help="seconds for the whole run")
    args = ap.parse_args()

    makers = {
        "flowdex": lambda p, t: Flowdex(args, p, t, False),
        "flowdex+enrich": lambda p, t: Flowdex(args, p, t, True),
        "pmacct": lambda p, t: Pmacct(args, p, t),
        "nfdump": lambda p, t: Nfdump(args, p, t),
    }
    collectors = [c for c in args.collectors.split(",")
                  if c in makers and (c != "flowdex+enrich" or (args.geoip and args.asn))]
    protocols = args.protocols.split(",")
    slots = len(collectors) * len(protocols)
    start = time.time()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        i = 0
        for proto in protocols:
            for c in collectors:
                left = args.budget - (time.time() - start)
                deadline = time.time() + left / (slots - i)
                i += 1
                best, use, probes = search(args, makers[c], proto, tmp, deadline)
                results[(proto, c)] = (best, use)
                trail = " ".join(f"{r / 1e3:.0f}k:{l * 100:.2f}%" for r, l, _ in probes)
                print(f"# {proto:6} {c:15} best {best / 1e3:8.0f} k records/s   probes {trail}",
                      flush=True)
    print()
    print(f"Zero-loss (<{LOSS_LIMIT * 100:.1f}%) UDP ingest, records/s, {args.seconds:g} s probes, "
          f"socket buffer {RCVBUF >> 20} MiB, generator on the same machine")
    head = "| protocol | " + " | ".join(collectors) + " | flowdex / pmacct | flowdex / nfdump |"
    print(head)
    print("|" + "---|" * (len(collectors) + 3))
    for proto in protocols:
        cells = []
        for c in collectors:
            best, (cpu, rss) = results[(proto, c)]
            cells.append(f"{best / 1e3:,.0f} k (cpu {cpu:.1f} s, rss {rss:.0f} MiB)")
        fd = results.get((proto, "flowdex"), (0, 0))[0]
        pm = results.get((proto, "pmacct"), (0, 0))[0]
        nd = results.get((proto, "nfdump"), (0, 0))[0]
        r1 = f"{fd / pm:.1f}x" if pm else "n/a"
        r2 = f"{fd / nd:.2f}x" if nd else "n/a"
        print(f"| {proto} | " + " | ".join(cells) + f" | {r1} | {r2} |")
    print(f"\ntotal time {time.time() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
