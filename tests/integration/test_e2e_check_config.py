"""flowdex check-config: a bad file exits 2 naming the key; a good one exits 0 and prints the
effective configuration as JSON; usage errors exit 2."""
import json
import os
import shutil
import subprocess
import sys

import e2e_common as e2e


def run(binary, *args):
    p = subprocess.run([binary] + list(args), capture_output=True, timeout=30)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    binary = sys.argv[1]
    wd = e2e.workdir()

    def write(name, text):
        path = os.path.join(wd, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    good = write("good.json", '// comment\n{"workers": 3, "listen": ["127.0.0.1:2055"],\n'
                 ' "decode": {"max_exporters": 100}}\n')
    rc, out, err = run(binary, "check-config", good)
    e2e.check(rc == 0, "good config: exit %d: %s" % (rc, err))
    eff = json.loads(out)
    e2e.check(eff["workers"] == 3 and eff["decode"]["max_exporters"] == 100, out)
    e2e.check(eff["outputs"][0]["type"] == "file" and eff["outputs"][0]["path"] == "-", out)
    e2e.check(eff["shutdown_timeout"] == "10000ms", "durations carry their unit")
    # The effective configuration is itself a valid configuration with the same meaning.
    rc, out2, err = run(binary, "check-config", write("effective.json", out))
    e2e.check(rc == 0 and json.loads(out2) == eff, "effective config does not round-trip: %s" % err)

    bad_cases = [
        ('{"workers": 0}', '"workers": 0'),
        ('{"decode": {"max_exporters": -1}}', '"decode.max_exporters"'),
        ('{"shutdown_timeout": "later"}', '"shutdown_timeout"'),
        ('{"listn": [":2055"]}', '"listn": unknown key'),
        ('{"outputs": [{"type": "file", "path": "-", "colour": 1}]}', '"outputs[0].colour"'),
        ('{"workers": 2,', "line 1"),
    ]
    for i, (text, needle) in enumerate(bad_cases):
        rc, out, err = run(binary, "check-config", write("bad%d.json" % i, text))
        e2e.check(rc == 2, "%s: exit %d" % (text, rc))
        e2e.check(needle in err, "%s: message %r lacks %r" % (text, err, needle))
        print("refused %-60s -> %s" % (text, err.strip()))
    rc, _, err = run(binary, "check-config", os.path.join(wd, "missing.json"))
    e2e.check(rc == 2 and "missing.json" in err, err)
    rc, _, err = run(binary, "check-config")
    e2e.check(rc == 2, "check-config without a file: %d" % rc)
    rc, _, err = run(binary, "--workers")
    e2e.check(rc == 2 and "--workers" in err, err)
    rc, out, _ = run(binary, "--version")
    e2e.check(rc == 0 and out.startswith("flowdex "), out)
    rc, out, _ = run(binary, "--help")
    e2e.check(rc == 0 and "check-config" in out, out)
    shutil.rmtree(wd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
