#!/usr/bin/env python3
"""Daemon-level tests of the Elasticsearch output: the flowdex binary against the stand-in.

usage: test_es_daemon.py CASE --flowdex PATH --standin PATH --corpus DIR
  replay   flowdex replay CAPTURES --es URL indexes exactly what --output writes as NDJSON
  sigterm  a live daemon receiving NetFlow over UDP is stopped with SIGTERM during an
           Elasticsearch outage; after a restart the spooled records arrive, none twice
Loopback only; every process started here is stopped by PID; every wait is bounded.
"""
import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_nf5_pcap  # noqa: E402
from test_es import FAILS, Standin, captures, check  # noqa: E402


def wait_for(pred, seconds, step=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def stop(proc, timeout=30):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        check(False, "flowdex did not stop within %d s of SIGTERM" % timeout)
        return -9


def case_replay(a, tmp, standins):
    s = Standin(a.standin, tmp)
    standins.append(s)
    caps = captures(a.corpus)
    ndjson = os.path.join(tmp, "out.ndjson")
    r = subprocess.run([a.flowdex, "replay", "--output", ndjson] + caps, cwd=tmp,
                       capture_output=True, text=True, timeout=300)
    check(r.returncode == 0, "replay to file: exit %d: %s" % (r.returncode, r.stderr[-500:]))
    with open(ndjson) as f:
        expected = sum(1 for _ in f)
    r = subprocess.run([a.flowdex, "replay", "--es", s.url] + caps, cwd=tmp,
                       capture_output=True, text=True, timeout=300)
    check(r.returncode == 0, "replay to es: exit %d: %s" % (r.returncode, r.stderr[-500:]))
    st = s.stats()
    dl = os.path.join(tmp, "es-dead-letter.ndjson")
    dead = len(open(dl).read().splitlines()) if os.path.exists(dl) else 0
    # Every NDJSON line is indexed, or a 409 duplicate (the same export datagram twice in
    # the captures), or refused by the mapping and in the dead-letter file.
    check(expected > 0 and st["docs"] + st["conflicts"] + dead == expected,
          "replay: stand-in %d + duplicates %d + dead letters %d != NDJSON output %d"
          % (st["docs"], st["conflicts"], dead, expected))
    check(dead == st["mapping_errors"], "replay: every refusal in the dead-letter file")
    check(st["template_puts"] == 1, "replay: template installed once")
    check(glob.glob(os.path.join(tmp, "es-spool", "*.bulk")) == [], "replay: nothing spooled")


def free_udp_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def send(port, first, count):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for seq in range(first, first + count):
        sock.sendto(gen_nf5_pcap.datagram(seq, 1767225600 + seq * 60), ("127.0.0.1", port))
        time.sleep(0.002)
    sock.close()


def case_sigterm(a, tmp, standins):
    s = Standin(a.standin, tmp)
    standins.append(s)
    port = free_udp_port()
    conf = os.path.join(tmp, "flowdex.json")
    with open(conf, "w") as f:
        json.dump({"listen": ["127.0.0.1:%d" % port], "data_dir": tmp,
                   "shutdown_timeout": "5s",
                   "outputs": [{"type": "elasticsearch", "hosts": [s.url],
                                "flush_interval": "100ms", "retry_initial": "50ms",
                                "retry_max": "500ms", "spool_fsync": True}]}, f)
    log1 = open(os.path.join(tmp, "run1.log"), "w")
    d = subprocess.Popen([a.flowdex, "--config", conf], cwd=tmp, stdout=log1, stderr=log1)
    try:
        check(wait_for(lambda: s.stats()["template_puts"] == 1, 20), "daemon started")
        send(port, 0, 100)
        check(wait_for(lambda: s.stats()["docs"] == 3000, 30),
              "first 3000 records indexed (%d)" % s.stats()["docs"])
        s.faults(down_for_s=600)  # Elasticsearch goes away
        send(port, 100, 100)
        time.sleep(2)
        rc = stop(d)
    finally:
        if d.poll() is None:
            stop(d)
        log1.close()
    check(rc == 0, "SIGTERM during the outage: exit code %d" % rc)
    spooled = glob.glob(os.path.join(tmp, "es-spool", "*.bulk"))
    check(len(spooled) > 0, "SIGTERM during the outage: spool files written")
    n_spooled = sum(int(os.path.basename(p).split("-")[1].split(".")[0]) for p in spooled)
    check(n_spooled == 3000, "SIGTERM during the outage: 3000 records spooled (%d)" % n_spooled)
    s.faults(down_for_s=0)  # back
    check(s.stats()["docs"] == 3000, "outage: nothing more indexed")
    log2 = open(os.path.join(tmp, "run2.log"), "w")
    d = subprocess.Popen([a.flowdex, "--config", conf], cwd=tmp, stdout=log2, stderr=log2)
    try:
        check(wait_for(lambda: s.stats()["docs"] == 6000, 30),
              "after restart the spooled records arrive (%d of 6000)" % s.stats()["docs"])
        check(wait_for(lambda: glob.glob(os.path.join(tmp, "es-spool", "*.bulk")) == [], 10),
              "after restart the spool is empty")
        rc = stop(d)
    finally:
        if d.poll() is None:
            stop(d)
        log2.close()
    check(rc == 0, "restart: exit code %d" % rc)
    st = s.stats()
    check(st["docs"] == 6000 and st["ids_in_several_indices"] == 0, "no record twice")
    if FAILS:
        for name in ("run1.log", "run2.log"):
            sys.stderr.write(open(os.path.join(tmp, name)).read()[-3000:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["replay", "sigterm"])
    ap.add_argument("--flowdex", required=True)
    ap.add_argument("--standin", required=True)
    ap.add_argument("--corpus", required=True)
    a = ap.parse_args()
    if a.case == "replay" and not os.path.isdir(os.path.join(a.corpus, "netflow5")):
        print("SKIP: corpus not found at", a.corpus)
        return 77
    tmp = tempfile.mkdtemp(prefix="fdx-es-daemon-")
    standins = []
    try:
        {"replay": case_replay, "sigterm": case_sigterm}[a.case](a, tmp, standins)
    finally:
        for s in standins:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%s: %s" % (a.case, "FAILED" if FAILS else "ok"))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
