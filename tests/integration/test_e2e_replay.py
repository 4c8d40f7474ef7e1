"""flowdex replay: every NetFlow v5 capture of the corpus gives exactly the records computed
from the pcap; a file that is not a capture exits 1; no file exits 2."""
import os
import re
import shutil
import subprocess
import sys

import e2e_common as e2e


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    files = e2e.corpus_files(corpus, "netflow5")
    wd = e2e.workdir()
    out = os.path.join(wd, "out.ndjson")
    expected = sum(e2e.pcaputil.v5_expected(p) for f in files
                   for p in e2e.pcaputil.udp_payloads(f))
    p = subprocess.run([binary, "replay", "--workers", "2", "--output", out] + files,
                       capture_output=True, timeout=120)
    e2e.check(p.returncode == 0, "replay exit %d: %s" % (p.returncode, p.stderr.decode()))
    docs = e2e.read_docs(out)
    e2e.check(len(docs) == expected, "documents %d != %d" % (len(docs), expected))
    e2e.check(("documents_written %d" % expected) in p.stderr.decode(), p.stderr.decode())
    print("replay: %d documents from %d captures" % (expected, len(files)))

    # Every protocol folder through one replay: every decoded record becomes a document
    # (no filter configured), and the summary accounts for all of them.
    every = sorted(f for sub in ("netflow5", "netflow9", "ipfix", "sflow", "mixed")
                   for f in e2e.corpus_files(corpus, sub, "*.pcap*") if f.endswith((".pcap", ".pcapng")))
    out2 = os.path.join(wd, "all.ndjson")
    p = subprocess.run([binary, "replay", "--workers", "3", "--output", out2] + every,
                       capture_output=True, timeout=300)
    err = p.stderr.decode()
    e2e.check(p.returncode == 0, "replay of every capture: exit %d: %s" % (p.returncode, err))
    decoded = sum(int(m.group(1)) for m in
                  re.finditer(r"summary: protocol \S+: datagrams \d+ records (\d+)", err))
    filtered = sum(int(m.group(1)) for m in
                   re.finditer(r"summary: dropped (?:filter\S*) \(enrich\): datagrams \d+ records (\d+)", err))
    written = len(e2e.read_docs(out2))
    e2e.check(decoded > 0 and written == decoded - filtered,
              "all captures: %d documents for %d records (%d filtered)" % (written, decoded, filtered))
    e2e.check(("records_to_workers %d documents_encoded %d documents_written %d" %
               (decoded, written, written)) in err, err[-2000:])
    print("replay of %d captures: %d records, %d documents" % (len(every), decoded, written))

    notpcap = os.path.join(wd, "not.pcap")
    with open(notpcap, "w") as f:
        f.write("this is not a capture\n")
    p = subprocess.run([binary, "replay", "--output", os.devnull, notpcap],
                       capture_output=True, timeout=60)
    e2e.check(p.returncode == 1 and "not.pcap" in p.stderr.decode(), p.stderr.decode())
    p = subprocess.run([binary, "replay"], capture_output=True, timeout=60)
    e2e.check(p.returncode == 2, "replay without files: %d" % p.returncode)
    shutil.rmtree(wd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
