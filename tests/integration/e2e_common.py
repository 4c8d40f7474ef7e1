"""Shared pieces of the end-to-end tests: free loopback ports, starting flowdex and stopping
it by PID, polling /metrics with a deadline (never a fixed sleep), parsing Prometheus text."""
import glob
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import pcaputil  # noqa: E402,F401

SKIP = 77


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def corpus_files(corpus, sub, pattern="*.pcap"):
    files = sorted(glob.glob(os.path.join(corpus, sub, pattern)))
    if not files:
        skip("shared corpus not found under %s" % corpus)
    return files


def free_port(kind=socket.SOCK_DGRAM, family=socket.AF_INET, host="127.0.0.1"):
    s = socket.socket(family, kind)
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Flowdex:
    """A flowdex process on loopback, stopped by PID."""

    def __init__(self, binary, args, workdir):
        self.stderr_path = os.path.join(workdir, "flowdex.stderr")
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([binary] + args, stdout=subprocess.DEVNULL,
                                     stderr=self.stderr)
        self.metrics_url = None
        for i, a in enumerate(args):
            if a == "--metrics":
                self.metrics_url = "http://%s" % args[i + 1]

    def get(self, path, timeout=2.0):
        with urllib.request.urlopen(self.metrics_url + path, timeout=timeout) as r:
            return r.status, r.read().decode()

    def wait_ready(self, deadline_s=20.0):
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError("flowdex exited early: %s" % self.log())
            try:
                if self.get("/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("flowdex not ready within %.0f s" % deadline_s)

    def metrics(self):
        return parse_metrics(self.get("/metrics")[1])

    def wait_metric(self, pred, deadline_s=30.0):
        """Polls /metrics until pred(metrics) is true; returns the metrics."""
        end = time.monotonic() + deadline_s
        m = {}
        while time.monotonic() < end:
            m = self.metrics()
            if pred(m):
                return m
            time.sleep(0.05)
        raise AssertionError("condition not reached within %.0f s; last metrics: %s" %
                             (deadline_s, {k: v for k, v in m.items() if v}))

    def stop(self, deadline_s=30.0):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=deadline_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("flowdex did not stop within %.0f s" % deadline_s)
        self.stderr.close()
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log(self):
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def parse_metrics(text):
    """{'name{labels}': value} for every sample; labels kept as written."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if m:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def check_exposition(text):
    """Prometheus text format 0.0.4: each family's HELP/TYPE once, its samples one group."""
    seen_meta, done, current = set(), set(), None
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            key = line[:6] + line.split(" ")[2]
            check(key not in seen_meta, "duplicate metadata: " + line)
            seen_meta.add(key)
            fam = line.split(" ")[2]
        elif line:
            fam = re.split(r"[{ ]", line, 1)[0]
        else:
            continue
        if fam != current:
            check(fam not in done, "family %s is split into several groups" % fam)
            if current is not None:
                done.add(current)
            current = fam


def read_docs(path):
    docs = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                docs.append(json.loads(line))
    return docs


def workdir():
    return tempfile.mkdtemp(prefix="flowdex-e2e-")


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)
