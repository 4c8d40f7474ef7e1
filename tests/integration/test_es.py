#!/usr/bin/env python3
"""Integration tests of the Elasticsearch output against the stand-in (loopback only).

usage: test_es.py CASE --driver PATH --standin PATH --corpus DIR
Each case starts its own stand-in(s) on 127.0.0.1, runs the driver (which feeds decoded
corpus captures through the product output), checks the stand-in's state and the output's
counters, and stops every process it started by PID. Exit 77 = skipped (no corpus).
"""
import argparse
import glob
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

FAILS = []


def check(cond, msg):
    if not cond:
        FAILS.append(msg)
        print("FAIL:", msg, file=sys.stderr)


class Standin:
    def __init__(self, tool, workdir, *args):
        self.portfile = os.path.join(workdir, "port-%d" % time.monotonic_ns())
        self.proc = subprocess.Popen(
            [sys.executable, tool, "--port-file", self.portfile, "--max-seconds", "300"]
            + list(args))
        deadline = time.monotonic() + 10
        while not os.path.exists(self.portfile):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("stand-in did not start")
            time.sleep(0.05)
        with open(self.portfile) as f:
            self.port = int(f.read())
        self.url = "http://127.0.0.1:%d" % self.port

    def req(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        r = urllib.request.Request(self.url + path, data=data, method=method,
                                   headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(r, timeout=10) as resp:
            return json.loads(resp.read())

    def stats(self):
        return self.req("GET", "/_standin/stats")

    def faults(self, **f):
        return self.req("POST", "/_standin/faults", f)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def parse_metrics(text):
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        out[name] = int(float(value))
    return out


def docs_metric(m, result):
    return m.get('flowdex_es_documents_total{result="%s"}' % result, 0)


class Env:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="fdx-es-")
        self.standins = []
        self.procs = []

    def standin(self, *a):
        s = Standin(self.args.standin, self.dir, *a)
        self.standins.append(s)
        return s

    def synthetic(self, datagrams):
        """A pcap of synthetic NetFlow v5 (30 distinct flows per datagram)."""
        path = os.path.join(self.dir, "synthetic-%d.pcap" % datagrams)
        gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_nf5_pcap.py")
        subprocess.run([sys.executable, gen, path, str(datagrams)], check=True)
        return path

    def config(self, name, **conf):
        path = os.path.join(self.dir, name + ".json")
        conf.setdefault("flush_interval", "100ms")
        conf.setdefault("retry_initial", "50ms")
        conf.setdefault("retry_max", "1s")
        conf.setdefault("host_recheck", "500ms")
        conf.setdefault("spool_fsync", False)
        with open(path, "w") as f:
            json.dump(conf, f)
        return path

    def start_driver(self, config, captures, *extra):
        cmd = [self.args.driver, "--config", config, "--data-dir", self.dir] + list(extra)
        cmd += captures
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    def finish(self, p, timeout=240):
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            check(False, "driver timed out")
        sys.stderr.write(err[-3000:])
        check(p.returncode == 0, "driver exit code %s" % p.returncode)
        return parse_metrics(out)

    def run_driver(self, config, captures, *extra, timeout=240):
        return self.finish(self.start_driver(config, captures, *extra), timeout)

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
        for s in self.standins:
            s.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def captures(corpus, folders=("netflow5", "netflow9", "ipfix", "sflow", "mixed")):
    out = []
    for f in folders:
        out += sorted(glob.glob(os.path.join(corpus, f, "*.pcap")))
    return out


def accounted(m):
    """indexed + duplicates + dead-lettered + spooled-at-exit + lost == submitted."""
    return (docs_metric(m, "indexed") + docs_metric(m, "duplicate")
            + docs_metric(m, "dead_letter") + m.get("flowdex_es_spool_documents", 0)
            + docs_metric(m, "lost"))


def expect_delivered(m, st, what, unique=None):
    """unique: how many distinct documents the input holds (from a run without faults);
    without it, every duplicate the output counted is taken as intrinsic to the input."""
    n = m["driver_encoded"]
    check(n > 0, what + ": documents were encoded")
    check(docs_metric(m, "submitted") == n, what + ": submitted == encoded")
    check(accounted(m) == n, what + ": every document accounted (%d vs %d)" % (accounted(m), n))
    check(docs_metric(m, "lost") == 0, what + ": nothing lost")
    # Duplicates: documents whose deterministic id was already indexed (a retried bulk that
    # had been applied, or the same export datagram present twice in the captures).
    if unique is None:
        check(st["docs"] == n - docs_metric(m, "dead_letter") - docs_metric(m, "duplicate"),
              what + ": stand-in holds %d documents, expected %d - %d dead-lettered - %d "
              "duplicates" % (st["docs"], n, docs_metric(m, "dead_letter"),
                              docs_metric(m, "duplicate")))
    else:
        check(st["docs"] == unique,
              what + ": stand-in holds %d documents, the same input without faults %d"
              % (st["docs"], unique))
    check(st["ids_in_several_indices"] == 0, what + ": no id in two indices")


# ------------------------------------------------------------------ cases

def case_corpus(env, schema="ecs"):
    s = env.standin()
    conf = env.config("c", hosts=[s.url])
    m = env.run_driver(conf, captures(env.args.corpus), "--schema", schema)
    st = s.stats()
    expect_delivered(m, st, "corpus")
    check(docs_metric(m, "indexed") == st["docs"], "corpus: indexed as counted")
    check_overflow_only(env, st, m, "corpus")
    # Same-id documents in the corpus are repeated export datagrams (identical content).
    # Some upstream test captures were wrapped with the same synthetic exporter address and
    # repeat sequence numbers with edited contents; a handful of such ids is expected.
    check(len(st["conflicts_with_other_content"]) <= 5,
          "corpus: ids shared by different documents: %s" % st["conflicts_with_other_content"])
    check(st["template_puts"] == 1 and st["templates"] == ["flowdex"],
          "corpus: template installed once")
    # Keep-alive: one connection per in-flight slot, not one per bulk.
    check(st["connections"] <= 4 + 2 + 1, "corpus: keep-alive (%d connections for %d bulks)"
          % (st["connections"], st["bulk_requests"]))
    # Indices are named by each document's own event time.
    docs = s.req("GET", "/_standin/docs")
    bad = 0
    for index, by_id in docs.items():
        for doc in by_id.values():
            if schema == "ecs":
                day = doc["@timestamp"][:10].replace("-", ".")
            else:
                # pmacct documents carry no export time: check those with flow times.
                t = doc.get("timestamp_end") or doc.get("timestamp_start")
                if t is None:
                    continue
                day = t[:10].replace("-", ".")
            prefix = "flowdex-counters-" if doc.get("event", {}).get("kind") == "metric" \
                else "flowdex-flows-"
            if index != prefix + day:
                bad += 1
    check(bad == 0, "corpus: %d documents in an index not named by their event time" % bad)
    check(len(docs) > 3, "corpus: several daily indices (%d)" % len(docs))
    # Re-replaying the same captures creates no duplicates: every document is a 409.
    m2 = env.run_driver(conf, captures(env.args.corpus), "--schema", schema)
    st2 = s.stats()
    check(st2["docs"] == st["docs"], "re-replay: stand-in count unchanged")
    check(docs_metric(m2, "duplicate") == m2["driver_encoded"] - docs_metric(m2, "dead_letter"),
          "re-replay: every document counted as a duplicate")
    check(st2["template_puts"] == 2, "re-replay: one template install per start")


def check_overflow_only(env, st, m, what):
    """The only documents refused are counters beyond a signed 64-bit long (garbage in one
    capture): every dead letter says so."""
    dl = os.path.join(env.dir, "es-dead-letter.ndjson")
    lines = open(dl).read().splitlines() if os.path.exists(dl) else []
    check(len(lines) == docs_metric(m, "dead_letter") == st["mapping_errors"],
          what + ": dead letters %d, counted %d, refused %d"
          % (len(lines), docs_metric(m, "dead_letter"), st["mapping_errors"]))
    for line in lines:
        e = json.loads(line)
        value = int(e["error"]["reason"].rsplit("'", 2)[-2])
        check("of type [long]" in e["error"]["reason"] and value >= 2**63,
              what + ": unexpected refusal: " + e["error"]["reason"])


def case_pmacct(env):
    case_corpus(env, "pmacct")


def case_gzip(env):
    s = env.standin()
    conf = env.config("c", hosts=[s.url], gzip=True)
    m = env.run_driver(conf, captures(env.args.corpus, ("netflow5", "netflow9", "ipfix")))
    st = s.stats()
    expect_delivered(m, st, "gzip")
    check(st["gzip_requests"] == st["bulk_requests"] + st["template_puts"]
          and st["bulk_requests"] > 0,
          "gzip: every bulk gzip-encoded (%d of %d)" % (st["gzip_requests"],
                                                        st["bulk_requests"]))
    check(m["flowdex_es_bytes_sent_total"] > 0, "gzip: bytes counted")


def case_auth_basic(env):
    s = env.standin("--user", "flowdex", "--password", "s3cret:x")
    os.environ["FDX_TEST_ES_PASSWORD"] = "s3cret:x"
    conf = env.config("c", hosts=[s.url], user="flowdex", password_env="FDX_TEST_ES_PASSWORD")
    m = env.run_driver(conf, captures(env.args.corpus, ("netflow5",)))
    st = s.stats()
    expect_delivered(m, st, "basic auth")
    check(st["auth_failures"] == 0, "basic auth: no failure")
    check(st["auth_basic"] >= st["bulk_requests"] + 2, "basic auth: sent on every request")


def case_auth_api_key(env):
    key = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
    s = env.standin("--api-key", key)
    keyfile = os.path.join(env.dir, "api_key")
    with open(keyfile, "w") as f:
        f.write(key + "\n")
    conf = env.config("c", hosts=[s.url], api_key_file=keyfile)
    m = env.run_driver(conf, captures(env.args.corpus, ("netflow5",)))
    st = s.stats()
    expect_delivered(m, st, "api key")
    check(st["auth_failures"] == 0, "api key: no failure")
    check(st["auth_api_key"] >= st["bulk_requests"] + 2, "api key: sent on every request")
    # Wrong credentials: nothing indexed, nothing lost (spooled at exit).
    s2 = env.standin("--api-key", key)
    conf2 = env.config("c2", hosts=[s2.url], api_key="wrong", spool_dir=env.dir + "/spool2")
    m2 = env.run_driver(conf2, captures(env.args.corpus, ("netflow5",)), "--flush-ms", "3000")
    check(s2.stats()["docs"] == 0, "wrong key: nothing indexed")
    check(s2.stats()["auth_failures"] > 0, "wrong key: refused")
    check(accounted(m2) == m2["driver_encoded"], "wrong key: every document accounted")
    check(docs_metric(m2, "lost") == 0, "wrong key: nothing lost")


def case_reload_secret(env):
    """A rotated API key is picked up on SIGHUP; documents waited meanwhile, none lost."""
    key = "bmV3LWtleTpzZWNyZXQ="
    s = env.standin("--api-key", key)
    keyfile = os.path.join(env.dir, "api_key")
    with open(keyfile, "w") as f:
        f.write("b2xkLWtleTpzZWNyZXQ=\n")
    conf = env.config("c", hosts=[s.url], api_key_file=keyfile)
    p = env.start_driver(conf, captures(env.args.corpus, ("netflow5",)), "--linger-ms", "30000")
    deadline = time.monotonic() + 20
    while s.stats()["auth_failures"] < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    check(s.stats()["docs"] == 0, "reload: nothing indexed with the old key")
    with open(keyfile, "w") as f:
        f.write(key + "\n")
    os.kill(p.pid, signal.SIGHUP)
    m = env.finish(p)
    expect_delivered(m, s.stats(), "reload")


def case_versions(env):
    for version, dist, legacy in (("7.5.2", "elasticsearch", True),
                                  ("7.17.15", "elasticsearch", False),
                                  ("2.11.0", "opensearch", False)):
        s = env.standin("--version", version, "--distribution", dist)
        conf = env.config("c" + version, hosts=[s.url], spool_dir=env.dir + "/sp" + version)
        m = env.run_driver(conf, captures(env.args.corpus, ("netflow5",)))
        st = s.stats()
        expect_delivered(m, st, "%s %s" % (dist, version))
        if legacy:
            check(st["legacy_template_puts"] == 1 and st["template_puts"] == 0,
                  "%s: legacy _template installed" % version)
        else:
            check(st["template_puts"] == 1 and st["legacy_template_puts"] == 0,
                  "%s %s: composable _index_template installed" % (dist, version))


def case_faults(env):
    s = env.standin("--faults", json.dumps({
        "seed": 7, "item_429_rate": 0.2, "bulk_429_rate": 0.1, "bulk_503_rate": 0.1,
        "drop_before_rate": 0.05, "drop_after_rate": 0.1}))
    conf = env.config("c", hosts=[s.url], bulk_max_docs=200, request_timeout="5s")
    syn = env.synthetic(400)
    # Baseline: the same input without faults gives the number of distinct documents.
    base = env.standin()
    mb = env.run_driver(env.config("base", hosts=[base.url], spool_dir=env.dir + "/spb"),
                        captures(env.args.corpus) + [syn])
    unique = base.stats()["docs"]
    check(unique == mb["driver_encoded"] - docs_metric(mb, "dead_letter")
          - docs_metric(mb, "duplicate"), "faults: baseline consistent")
    p = env.start_driver(conf, captures(env.args.corpus) + [syn],
                         "--pace-ms", "8", "--linger-ms", "60000", "--flush-ms", "30000")
    # Down for 10 s in the middle of the run.
    deadline = time.monotonic() + 30
    while s.stats()["bulk_requests"] < 5 and time.monotonic() < deadline:
        time.sleep(0.2)
    s.faults(down_for_s=10)
    m = env.finish(p)
    st = s.stats()
    expect_delivered(m, st, "faults", unique)
    check(docs_metric(m, "dead_letter") == docs_metric(mb, "dead_letter"),
          "faults: the same documents dead-lettered as without faults")
    check(st["refused_down"] > 0, "faults: the outage was seen")
    check(st["item_429"] > 0 and st["bulk_429"] > 0 and st["bulk_503"] > 0,
          "faults: rejections happened (%d item 429, %d bulk 429, %d bulk 503)"
          % (st["item_429"], st["bulk_429"], st["bulk_503"]))
    print("faults: stand-in", json.dumps({k: v for k, v in st.items() if k != "indices"}))
    print("faults: output", json.dumps(m))
    check(st["dropped_before"] > 0 and st["dropped_after"] > 0, "faults: drops happened")
    # The stand-in also counts conflicts inside bulks whose answer it then dropped.
    check(0 < docs_metric(m, "duplicate") <= st["conflicts"],
          "faults: applied-but-unanswered bulks came back as counted duplicates (%d, %d)"
          % (docs_metric(m, "duplicate"), st["conflicts"]))
    check(docs_metric(m, "indexed") + docs_metric(m, "duplicate") + docs_metric(m, "dead_letter")
          == m["driver_encoded"], "faults: indexed + duplicates + dead-lettered == sent")
    check(docs_metric(m, "indexed") <= unique, "faults: never indexed more than exists")
    check(m["flowdex_es_documents_retried_total"] > 0, "faults: retries counted")
    check(m["flowdex_es_bulk_failures_total"] > 0, "faults: failures counted")


def case_mapping_error(env):
    s = env.standin()
    # An operator's template maps network.transport as a number: "tcp" cannot be indexed.
    s.req("PUT", "/_index_template/operator", {
        "index_patterns": ["flowdex-flows-*"], "priority": 500,
        "template": {"mappings": {"properties": {
            "network": {"properties": {"transport": {"type": "long"}}}}}}})
    dl = os.path.join(env.dir, "dead.ndjson")
    conf = env.config("c", hosts=[s.url], template="skip", dead_letter_path=dl)
    m = env.run_driver(conf, captures(env.args.corpus, ("netflow5",)))
    st = s.stats()
    expect_delivered(m, st, "mapping error")
    n_dead = docs_metric(m, "dead_letter")
    check(n_dead > 0 and n_dead == st["mapping_errors"],
          "mapping error: dead-lettered %d == refused %d" % (n_dead, st["mapping_errors"]))
    check(st["template_puts"] == 1, "mapping error: template left alone")
    lines = open(dl).read().splitlines()
    check(len(lines) == n_dead, "mapping error: one dead-letter line per document")
    for line in lines[:50]:
        e = json.loads(line)
        check(e["status"] == 400, "dead letter: status")
        check(e["error"]["type"] == "document_parsing_exception", "dead letter: type")
        check("network.transport" in e["error"]["reason"], "dead letter: reason names field")
        check(e["document"]["network"]["transport"] in ("tcp", "udp", "icmp") or
              isinstance(e["document"]["network"]["transport"], str), "dead letter: document")
        check(e["index"].startswith("flowdex-flows-") and len(e["_id"]) == 22,
              "dead letter: index and id")


def case_sigterm_restart(env):
    s = env.standin()
    spool = os.path.join(env.dir, "spool")
    conf = env.config("c", hosts=[s.url], spool_dir=spool, bulk_max_docs=100)
    caps = captures(env.args.corpus, ("netflow5", "netflow9", "ipfix"))
    p = env.start_driver(conf, caps, "--pace-ms", "20", "--flush-ms", "5000")
    deadline = time.monotonic() + 30
    while s.stats()["docs"] < 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    s.faults(down_for_s=600)  # outage
    time.sleep(1.5)
    os.kill(p.pid, signal.SIGTERM)
    m1 = env.finish(p, timeout=60)
    st1 = s.stats()
    spooled = m1.get("flowdex_es_spool_documents", 0)
    check(spooled > 0, "sigterm: documents spooled at exit (%d)" % spooled)
    check(accounted(m1) == m1["driver_encoded"], "sigterm: every document accounted")
    check(st1["docs"] < m1["driver_encoded"], "sigterm: outage left documents undelivered")
    check(len(glob.glob(os.path.join(spool, "*.bulk"))) > 0, "sigterm: spool files on disk")
    s.faults(down_for_s=0)  # back
    m2 = env.run_driver(conf, [], "--linger-ms", "30000")
    st2 = s.stats()
    check(st2["docs"] == m1["driver_encoded"],
          "restart: stand-in has every document sent before the kill (%d of %d)"
          % (st2["docs"], m1["driver_encoded"]))
    check(m2.get("flowdex_es_spool_documents", 1) == 0, "restart: spool drained")
    check(glob.glob(os.path.join(spool, "*.bulk")) == [], "restart: spool files removed")


def case_hosts(env):
    good = env.standin()
    dead = env.standin()
    dead_url = dead.url
    dead.stop()  # its port now refuses connections
    conf = env.config("c", hosts=[dead_url, good.url], bulk_max_docs=50)
    m = env.run_driver(conf, captures(env.args.corpus, ("netflow5", "netflow9")), "--linger-ms", "20000")
    expect_delivered(m, good.stats(), "hosts")


def case_retention(env):
    s = env.standin()
    today = time.strftime("%Y.%m.%d", time.gmtime())
    old = "flowdex-flows-2020.01.01"
    for name in (old, "flowdex-flows-" + today, "other-2020.01.01"):
        s.req("PUT", "/" + name)
    conf = env.config("c", hosts=[s.url], retention_days=7)
    env.run_driver(conf, [], "--linger-ms", "1500")
    st = s.stats()
    check(old not in st["indices"], "retention: old index deleted")
    check("flowdex-flows-" + today in st["indices"], "retention: today's index kept")
    check("other-2020.01.01" in st["indices"], "retention: other patterns untouched")
    check(st["deleted_indices"] == 1, "retention: exactly one deletion")


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("--driver", required=True)
    ap.add_argument("--standin", required=True)
    ap.add_argument("--corpus", required=True)
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.corpus, "netflow5")):
        print("SKIP: corpus not found at", args.corpus)
        return 77
    env = Env(args)
    try:
        CASES[args.case](env)
    finally:
        env.close()
    print("%s: %s" % (args.case, "FAILED" if FAILS else "ok"))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
