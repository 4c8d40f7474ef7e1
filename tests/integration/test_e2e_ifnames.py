"""flowdex replay of real captures whose exporter announces interface names in options data
(Cisco IOS XR, IPFIX options template with INPUT_SNMP/OUTPUT_SNMP scope and IF_NAME): the
later data records of that exporter carry the names, in both schemas. The expectation is
computed from the capture's Wireshark oracle: walking its frames in order, a data record
whose ingress/egress ifIndex was named by earlier options data of the same exporter and
observation domain must carry that (latest) name; the others none."""
import json
import os
import subprocess
import sys

import e2e_common as e2e

CAPTURES = [
    ("mixed", "pmacct__400-IPFIXv10-BMP-CISCO-SRv6-multiple-sources__traffic-00.pcap"),
    ("mixed", "pmacct__401-IPFIXv10-BMP-IPv6-CISCO-MPLS-multiple-sources__traffic-01.pcap"),
]


def as_list(v):
    return v if isinstance(v, list) else [v]


def oracle(path):
    """Expected (exporter, domain, in_if, out_if) -> (in name, out name) counts."""
    with open(path) as f:
        frames = json.load(f)
    names = {}  # (src, od) -> {ifindex: name}
    expected = {}
    for fr in frames:
        for pdu in fr.get("pdus", []):
            od = pdu.get("header", {}).get("cflow.od_id")
            key = (fr["src"], od)
            table = names.setdefault(key, {})
            for s in pdu.get("sets", []):
                for r in s.get("records", []):
                    if "cflow.if_name" in r:
                        idx = as_list(r.get("cflow.inputint", r.get("cflow.outputint")))[0]
                        table[int(idx)] = r["cflow.if_name"]
                    elif "cflow.inputint" in r or "cflow.outputint" in r:
                        i = int(as_list(r.get("cflow.inputint", "-1"))[0])
                        o = int(as_list(r.get("cflow.outputint", "-1"))[0])
                        want = (table.get(i), table.get(o))
                        expected[want] = expected.get(want, 0) + 1
    return expected


def replay(binary, cap, schema, wd):
    out = os.path.join(wd, "ifnames-%s.ndjson" % schema)
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.run([binary, "replay", "--schema", schema, "--output", out, cap],
                       capture_output=True, timeout=120)
    e2e.check(p.returncode == 0, "replay exit %d: %s" % (p.returncode, p.stderr.decode()))
    return e2e.read_docs(out)


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    wd = e2e.workdir()
    for sub, name in CAPTURES:
        cap = os.path.join(corpus, sub, name)
        if not os.path.exists(cap) or not os.path.exists(cap + ".tshark.records.json"):
            e2e.skip("corpus capture %s not found" % cap)
        expected = oracle(cap + ".tshark.records.json")
        named = sum(n for (i, o), n in expected.items() if i is not None or o is not None)
        e2e.check(named > 100, "%s: only %d named records in the oracle" % (name, named))
        for schema in ("ecs", "pmacct"):
            docs = replay(binary, cap, schema, wd)
            got = {}
            for d in docs:
                if schema == "ecs":
                    if d.get("event", {}).get("action") != "netflow_flow":
                        continue
                    obs = d.get("observer", {})
                    i = obs.get("ingress", {}).get("interface", {}).get("name")
                    o = obs.get("egress", {}).get("interface", {}).get("name")
                    nf = d.get("netflow", {})
                    if "ingress_interface" not in nf or "interface_description" in nf:
                        continue  # options data documents: not flows
                else:
                    if "iface_in" not in d or "ip_src" not in d:
                        continue  # options data documents: not flows
                    i, o = d.get("iface_in_name"), d.get("iface_out_name")
                got[(i, o)] = got.get((i, o), 0) + 1
            e2e.check(got == expected, "%s (%s): names %s != oracle %s"
                      % (name, schema, sorted(got.items(), key=str),
                         sorted(expected.items(), key=str)))
    print("ok")


if __name__ == "__main__":
    main()
