#!/usr/bin/env python3
"""The flow generator's datagrams decode in tshark with zero malformed packets, and tshark
counts exactly the records flowgen says it wrote (one check per protocol)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

FLOWGEN = sys.argv[1]
PORTS = {"v5": 2055, "v9": 2055, "ipfix": 4739, "sflow": 6343}


def tshark_records(pcap, proto):
    port = PORTS[proto]
    dissector = "sflow" if proto == "sflow" else "cflow"
    out = subprocess.run(
        ["tshark", "-n", "-r", pcap, "-d", f"udp.port=={port},{dissector}", "-T", "fields",
         "-e", "_ws.malformed", "-e", "cflow.count" if proto in ("v5", "v9") else
         ("cflow.od_id" if proto == "ipfix" else "sflow_245.numsamples"),
         "-e", "cflow.srcaddr" if proto != "sflow" else "sflow.flow_sample.sampling_rate"],
        check=True, capture_output=True, text=True, timeout=120).stdout
    malformed = 0
    records = 0
    for line in out.splitlines():
        cols = line.split("\t")
        if cols[0]:
            malformed += 1
        if proto == "v5":
            records += int(cols[1])
        elif proto == "sflow":
            records += int(cols[1])
        else:
            # v9/IPFIX: one source-address occurrence per data record.
            records += len([c for c in cols[2].split(",") if c])
    return malformed, records


def main():
    if shutil.which("tshark") is None:
        print("tshark is not installed: skipping")
        return 77
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for proto in ("v5", "v9", "ipfix", "sflow"):
            pcap = os.path.join(tmp, f"{proto}.pcap")
            res = subprocess.run([FLOWGEN, "--proto", proto, "--pcap", pcap, "--count", "300",
                                  "--exporters", "3", "--template-every", "1"],
                                 check=True, capture_output=True, text=True, timeout=60).stdout
            fields = res.split()
            written = int(fields[fields.index("records") + 1])
            malformed, seen = tshark_records(pcap, proto)
            ok = malformed == 0 and seen == written
            failures += not ok
            print(f"{proto:6} written {written:6} tshark records {seen:6} malformed {malformed}"
                  f" {'ok' if ok else 'FAIL'}")
    print(f"{4 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
