"""An IPv6 loopback listener ([::1]) receives and decodes NetFlow v5; the exporter is ::1."""
import os
import shutil
import socket
import sys

import e2e_common as e2e


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    files = e2e.corpus_files(corpus, "netflow5", "graylog__netflow5.pcap")
    try:
        port = e2e.free_port(socket.SOCK_DGRAM, socket.AF_INET6, "::1")
    except OSError:
        e2e.skip("no IPv6 loopback on this host")
    mport = e2e.free_port(socket.SOCK_STREAM)
    payloads = e2e.pcaputil.udp_payloads(files[0])
    expected = sum(e2e.pcaputil.v5_expected(p) for p in payloads)
    wd = e2e.workdir()
    out = os.path.join(wd, "out.ndjson")
    fdx = e2e.Flowdex(binary, ["--listen", "netflow@[::1]:%d" % port, "--metrics",
                               "127.0.0.1:%d" % mport, "--output", out], wd)
    try:
        fdx.wait_ready()
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        for p in payloads:
            s.sendto(p, ("::1", port))
        fdx.wait_metric(lambda m: m.get("flowdex_documents_written_total", 0) >= expected)
        m = fdx.metrics()
        key = 'flowdex_exporter_records_total{exporter="::1",domain="0",protocol="netflow_v5"}'
        e2e.check(m.get(key) == expected, "exporter metric %s" % m.get(key))
        rc = fdx.stop()
        e2e.check(rc == 0, "exit code %d" % rc)
    except BaseException:
        fdx.kill()
        print(fdx.log())
        raise
    docs = e2e.read_docs(out)
    e2e.check(len(docs) == expected, "documents %d != %d" % (len(docs), expected))
    e2e.check(all(d["observer"]["ip"] == "::1" for d in docs), "observer.ip")
    print("IPv6 loopback: %d records from ::1" % expected)
    shutil.rmtree(wd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
