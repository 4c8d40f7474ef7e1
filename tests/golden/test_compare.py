#!/usr/bin/env python3
"""The golden comparator must fail loudly: one altered field gives exactly one mismatch, a
missing record gives a count problem, an unexpected drop counter fails. Runs on one capture
of the shared corpus (skips with 77 when it is absent)."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run_compare(capture, fieldmap, lines):
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as f:
        f.write("\n".join(json.dumps(x) for x in lines) + "\n")
        path = f.name
    try:
        p = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), "--fieldmap",
                            fieldmap, "--dump-output", path, capture],
                           stdout=subprocess.PIPE, universal_newlines=True)
        return p.returncode, p.stdout
    finally:
        os.unlink(path)


def main():
    dump, capture = sys.argv[1], sys.argv[2]
    fieldmap = os.path.join(HERE, "fieldmap_cflow.json")
    if not os.path.exists(capture):
        print("skipped: %s is missing" % capture)
        return 77
    out = subprocess.run([dump, capture], check=True, stdout=subprocess.PIPE).stdout.decode()
    lines = [json.loads(x) for x in out.splitlines()]
    failures = 0

    def expect(what, rc, text, want_rc, needle):
        nonlocal failures
        if rc != want_rc or needle not in text:
            print("FAIL %s: rc %d (want %d), %r not in output:\n%s"
                  % (what, rc, want_rc, needle, text))
            failures += 1

    rc, text = run_compare(capture, fieldmap, lines)
    expect("unaltered", rc, text, 0, " ok")

    altered = [dict(x) for x in lines]
    altered[0]["dst_port"] += 1
    rc, text = run_compare(capture, fieldmap, altered)
    expect("altered dst_port", rc, text, 1, "MISMATCH frame 1 rec 0: cflow.dstport")
    if text.count("MISMATCH") != 1:
        print("FAIL altered dst_port: expected exactly one mismatch:\n" + text)
        failures += 1

    altered = [dict(x) for x in lines]
    del altered[0]["sampling_rate"]
    rc, text = run_compare(capture, fieldmap, altered)
    expect("absent field", rc, text, 1, "<absent>")

    rc, text = run_compare(capture, fieldmap, lines[1:])
    expect("missing record", rc, text, 1, "records in the oracle")

    altered = [dict(x) for x in lines]
    altered[-1] = json.loads(json.dumps(altered[-1]))
    altered[-1]["summary"]["dgram_drop"] = {"truncated": 1}
    rc, text = run_compare(capture, fieldmap, altered)
    expect("unexpected drop", rc, text, 1, "dgram_drop: flowdex counted")

    print("%d failures" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
