"""SIGHUP: a bad configuration is refused (logged, the old one kept, still receiving); a good
one reopens the file output, so a rotated file is replaced and no document is lost."""
import json
import os
import shutil
import signal
import socket
import sys
import time

import e2e_common as e2e


def wait_for(pred, what, deadline_s=20.0):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    files = e2e.corpus_files(corpus, "netflow5", "graylog__pmacctd-netflow5.pcap")
    payloads = e2e.pcaputil.udp_payloads(files[0])
    per_pass = sum(e2e.pcaputil.v5_expected(p) for p in payloads)
    wd = e2e.workdir()
    out = os.path.join(wd, "out.ndjson")
    cfg = os.path.join(wd, "flowdex.json")
    port, mport = e2e.free_port(), e2e.free_port(socket.SOCK_STREAM)
    good = {"listen": ["127.0.0.1:%d" % port], "metrics": "127.0.0.1:%d" % mport,
            "outputs": [{"type": "file", "path": out}]}
    with open(cfg, "w") as f:
        json.dump(good, f)
    fdx = e2e.Flowdex(binary, ["--config", cfg, "--metrics", good["metrics"]], wd)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def send_pass(n_done):
        for p in payloads:
            s.sendto(p, ("127.0.0.1", port))
        fdx.wait_metric(lambda m: m.get("flowdex_documents_written_total", 0) >= n_done)

    try:
        fdx.wait_ready()
        send_pass(per_pass)
        # A bad file is refused and the collector keeps running with the old configuration.
        with open(cfg, "w") as f:
            f.write('{"workers": 0}')
        fdx.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "reload refused" in fdx.log(), "the refusal in the log")
        e2e.check('"workers": 0' in fdx.log(), "refusal names the key")
        e2e.check(fdx.get("/health")[0] == 200, "still healthy")
        send_pass(2 * per_pass)
        # Rotation: move the file away, SIGHUP with a good file, the output reopens the path.
        with open(cfg, "w") as f:
            json.dump(good, f)
        os.rename(out, out + ".1")
        fdx.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: os.path.exists(out), "the output file to be reopened")
        send_pass(3 * per_pass)
        rc = fdx.stop()
        e2e.check(rc == 0, "exit code %d" % rc)
    except BaseException:
        fdx.kill()
        print(fdx.log())
        raise
    old, new = e2e.read_docs(out + ".1"), e2e.read_docs(out)
    e2e.check(len(old) == 2 * per_pass, "rotated file has %d, expected %d" % (len(old),
                                                                             2 * per_pass))
    e2e.check(len(new) == per_pass, "new file has %d, expected %d" % (len(new), per_pass))
    print("reload: bad config refused; rotation kept %d + %d documents" % (len(old), len(new)))
    shutil.rmtree(wd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
