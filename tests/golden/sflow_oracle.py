#!/usr/bin/env python3
"""sFlow part of the golden check (imported by compare.py for field maps with layout "sflow";
also runnable alone): compares decode_dump's records of a capture with the capture's
Wireshark oracle, sample by sample and field by field, through fieldmap_sflow.json, with the
sFlow-specific rules below. Prints a per-file table; returns 0 when every compared field
matches, the record counts agree and the drop counters are as expected; 1 otherwise; 77 when
the capture or its oracle is missing.

sFlow-specific rules (each one a documented difference of view, not a tolerance):
  * one flowdex record per flow or counter sample of enterprise 0 (types 1-4); other sample
    types (e.g. format 5, discarded packets) are skipped by flowdex and not counted;
  * samples are paired by source id within a datagram: the oracle extraction merges samples
    with identical labels, so its order is not always the wire order;
  * an interface word of format 1 (discarded) or 2 (multiple) is not an ifIndex: flowdex
    keeps the raw word in the extra area (pen 6343, ids 3/4) and leaves in_if/out_if out;
  * the extended switch VLANs win over the sampled header's 802.1Q tag; a VLAN above 4095
    (agents send 0xffffffff for "unknown") is left out;
  * flowdex's ethertype is the one after the VLAN tags (Wireshark's vlan.etype);
  * with IPv6 extension headers flowdex's protocol is the upper-layer one;
  * tshark lists the gateway AS path and then the communities under one field (dstAS);
  * tshark 4.0 misreads some host counter records (2001) and then walks the rest of the
    sample at wrong offsets: records after one whose length runs past its sample are not
    compared (mixed/tcpdump__sflow_multiple_counter_30_pdus.pcap, frame 18).

usage: sflow_oracle.py DECODE_DUMP CAPTURE.pcap
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FLOW_SAMPLES = {"1", "3"}
COUNTER_SAMPLES = {"2", "4"}


def first(v):
    return v[0] if isinstance(v, list) else v


def num(v):
    v = first(v)
    if isinstance(v, str) and v.lower().startswith("0x"):
        return int(v, 16)
    return int(v)


def hex_u32s(h):
    return [int(h[i:i + 8], 16) for i in range(0, len(h), 8)]


class Check:
    def __init__(self):
        self.compared = 0
        self.mismatches = []
        self.unmapped = set()
        self.skipped = 0

    def eq(self, where, name, want, got):
        self.compared += 1
        if want != got:
            self.mismatches.append(f"{where}: {name}: oracle {want!r} != flowdex {got!r}")


def load_map():
    with open(os.path.join(HERE, "fieldmap_sflow.json")) as f:
        return json.load(f)


def apply_map(chk, where, fmap, fields, rec, skip=()):
    """Direct one-to-one fields: Wireshark name -> [flowdex key, normalisation]."""
    for ws, val in fields.items():
        if ws in skip:
            continue
        m = fmap.get(ws)
        if m is None:
            chk.unmapped.add(ws)
            continue
        if m == "ignore":
            continue
        key, norm = m
        want = first(val)
        if norm == "int":
            want = num(want)
        elif norm == "addr":
            want = str(want)
        elif norm == "mac":
            want = want.lower()
        elif norm == "vlan":
            want = num(want) & 0xFFF
        chk.eq(where, ws, want, rec.get(key))


def check_if(chk, where, f, rec, out):
    side = "output" if out else "input"
    key = "out_if" if out else "in_if"
    xkey = "x_6343_4" if out else "x_6343_3"
    fmt = f.get(f"sflow.flow_sample.{side}_interface_format",
                f.get(f"sflow.flow_sample.{side}_interface.format"))
    if f"sflow.flow_sample.{side}_interface_value" in f and fmt is not None:
        fmt, val = num(fmt), num(f[f"sflow.flow_sample.{side}_interface_value"])
    else:
        raw = num(f[f"sflow.flow_sample.{side}_interface"])
        fmt, val = raw >> 30, raw & 0x3FFFFFFF
    if fmt == 0:
        chk.eq(where, key, val, rec.get(key))
    else:
        chk.eq(where, key + ".raw", (fmt << 30) | val,
               int(rec[xkey], 16) if xkey in rec else None)


def check_flow_sample(chk, where, fmap, s, rec):
    f = s["fields"]
    chk.eq(where, "sampling_rate", num(f["sflow.flow_sample.sampling_rate"]),
           rec.get("sampling_rate"))
    chk.eq(where, "sample_pool", num(f["sflow.flow_sample.sample_pool"]),
           int(rec.get("x_6343_5", "0"), 16))
    chk.eq(where, "dropped_packets", num(f["sflow.flow_sample.dropped_packets"]),
           int(rec.get("x_6343_6", "0"), 16))
    if "sflow.flow_sample.source_id_index" in f:
        sid = num(f["sflow.flow_sample.source_id_type"]) << 24 | num(
            f["sflow.flow_sample.source_id_index"])
    else:
        sid = num(f["sflow.flow_sample.source_id_class"]) << 24 | num(
            f["sflow.flow_sample.index"])
    chk.eq(where, "source_id", sid, rec.get("source_id"))
    check_if(chk, where, f, rec, False)
    check_if(chk, where, f, rec, True)
    labels = [r["fields"].get("sflow_245.flow_record_format") for r in s["records"]]
    has_hdr, has_switch = "1" in labels, "1001" in labels
    for r in s["records"]:
        rf = r["fields"]
        fmt = rf.get("sflow_245.flow_record_format")
        w = f"{where} rec {fmt}"
        if fmt == "1":
            check_header(chk, w, fmap, rf, rec, has_switch)
        elif fmt == "1001":
            # A VLAN above 4095 (agents send 0xffffffff) means "none": left out.
            vin, vout = num(rf["sflow_245.vlan.in"]), num(rf["sflow_245.vlan.out"])
            if vin <= 4095:
                chk.eq(w, "vlan.in", vin, rec.get("src_vlan"))
            if vout <= 4095:
                chk.eq(w, "vlan.out", vout, rec.get("dst_vlan"))
            else:
                chk.eq(w, "vlan.out absent", None, rec.get("dst_vlan"))
        elif fmt == "1002":
            chk.eq(w, "nexthop", rf["sflow_245.nexthop"], rec.get("next_hop"))
            chk.eq(w, "src_mask", num(rf["sflow_245.nexthop.src_mask"]), rec.get("src_mask"))
            chk.eq(w, "dst_mask", num(rf["sflow_245.nexthop.dst_mask"]), rec.get("dst_mask"))
        elif fmt == "1003":
            check_gateway(chk, w, rf, rec)
        elif fmt == "2" and not has_hdr:
            chk.eq(w, "ethernet.length", num(rf["sflow_245.ethernet.length"]),
                   rec.get("frame_len"))
            chk.eq(w, "ethernet.src", rf["sflow_245.ethernet.source_mac_address"].lower(),
                   rec.get("src_mac"))
        elif fmt == "3" and not has_hdr:
            chk.eq(w, "ipv4_src", rf["sflow_245.ipv4_src"], rec.get("src"))
            chk.eq(w, "ipv4_dst", rf["sflow_245.ipv4_dst"], rec.get("dst"))
    # Estimation: bytes = frame length x rate, packets = rate (renormalisation on).
    rate = max(num(f["sflow.flow_sample.sampling_rate"]), 1)
    chk.eq(where, "bytes", rec.get("frame_len", 0) * rate, rec.get("bytes"))
    chk.eq(where, "packets", rate, rec.get("packets"))


def check_header(chk, where, fmap, rf, rec, has_switch):
    chk.eq(where, "header.frame_length", num(rf["sflow_245.header.frame_length"]),
           rec.get("frame_len"))
    skip = set()
    if "vlan.etype" in rf:
        skip.add("eth.type")  # flowdex keeps the ethertype after the VLAN tags
    if has_switch:
        skip.add("vlan.id")  # the extended switch record's VLAN wins
    if "ipv6.hopopts.nxt" in rf:
        skip.add("ipv6.nxt")
        chk.eq(where, "ipv6.hopopts.nxt", num(rf["ipv6.hopopts.nxt"]), rec.get("proto"))
    if "ip.frag_offset" in rf and num(rf["ip.frag_offset"]) != 0:
        skip.update({"tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport"})
    sub = {k: v for k, v in rf.items() if not k.startswith(("sflow", "sflow_245", "sflow_5"))}
    apply_map(chk, where, fmap["header"], sub, rec, skip)


def check_gateway(chk, where, rf, rec):
    chk.eq(where, "nexthop", rf["sflow_245.nexthop"], rec.get("bgp_next_hop"))
    chk.eq(where, "srcAS", num(rf["sflow_245.srcAS"]), rec.get("src_as"))
    chk.eq(where, "peerAS", num(rf["sflow_245.peerAS"]), int(rec.get("x_0_129", "0"), 16))
    chk.eq(where, "localpref", num(rf["sflow_245.localpref"]),
           int(rec.get("x_6343_2", "0"), 16))
    # tshark lists the path ASNs and then the communities under the same dstAS field.
    lst = rf.get("sflow_245.dstAS", [])
    lst = [int(x) for x in (lst if isinstance(lst, list) else [lst])]
    path = hex_u32s(rec.get("x_6343_1", ""))
    comms = hex_u32s(rec.get("x_0_484", ""))
    chk.eq(where, "communityEntries", num(rf["sflow_245.communityEntries"]), len(comms))
    chk.eq(where, "dstAS path+communities", lst, path + comms)
    chk.eq(where, "dst_as", path[-1] if path else num(rf["sflow_245.as"]), rec.get("dst_as"))


def check_counter_sample(chk, where, fmap, s, rec):
    f = s["fields"]
    sid = num(f["sflow.counters_sample.source_id_type"]) << 24 | num(
        f["sflow.counters_sample.source_id_index"])
    chk.eq(where, "source_id", sid, rec.get("source_id"))
    # tshark 4.0 misreads some host counter records (format 2001) and walks the rest of the
    # sample at wrong offsets (mixed/tcpdump__sflow_multiple_counter_30_pdus.pcap frame 18):
    # records after one whose length runs past the sample are not compared.
    room = num(f["sflow_5.sample_length"]) - 12
    for r in s["records"]:
        rf = r["fields"]
        room -= 8 + num(rf.get("sflow_5.flow_data_length", "0"))
        if room < 0:
            chk.skipped += 1
            break
        fmt = rf.get("sflow_245.counters_record_format")
        if fmt not in ("1", "2", "1001") or rf.get("sflow.enterprise", "0") != "0":
            continue
        w = f"{where} ctr {fmt}"
        if fmt == "1":
            st = (num(rf["sflow_245.ifadmin_status"]) & 1) | (num(rf["sflow_245.ifoper_status"]) & 1) << 1
            chk.eq(w, "ifstatus", st, rec.get("if_status"))
        apply_map(chk, w, fmap["counters"], rf, rec,
                  {"sflow_245.ifadmin_status", "sflow_245.ifoper_status"})


def sample_source_id(s):
    f = s["fields"]
    for pre in ("sflow.flow_sample.", "sflow.counters_sample."):
        if pre + "source_id_index" in f:
            return num(f[pre + "source_id_type"]) << 24 | num(f[pre + "source_id_index"])
    if "sflow.flow_sample.index" in f:
        return num(f["sflow.flow_sample.source_id_class"]) << 24 | num(f["sflow.flow_sample.index"])
    return None


def pair(samples, got):
    """The oracle extraction does not always keep the samples of a datagram in wire order:
    pair each oracle sample with the first unused record of the same source id."""
    used = [False] * len(got)
    out = []
    for s in samples:
        sid = sample_source_id(s)
        pick = next((j for j, r in enumerate(got) if not used[j] and r.get("source_id") == sid),
                    next(j for j in range(len(got)) if not used[j]))
        used[pick] = True
        out.append(got[pick])
    return out


# Drop counters each capture must show (all others zero); the reason quotes MANIFEST.md.
EXPECTED_DROPS = {
    "tcpdump__sflow_print-segv": {
        "dgram_drop": {"truncated": 1},
        "reason": "MANIFEST.md: 'NEGATIVE: fuzzed/truncated datagram that crashed tcpdump'; "
                  "its header is cut short, so flowdex refuses the datagram.",
    },
}

DUMP_RENAME = {"domain_id": "sub_agent_id", "export_seq": "seq", "sampler_id": "source_id",
               "src_port": "sport", "dst_port": "dport", "ip_proto": "proto"}
CTR_RENAME = {"cpu_5s_pct_x100": "cpu_5s", "cpu_1m_pct_x100": "cpu_1m",
              "cpu_5m_pct_x100": "cpu_5m", "mem_total_bytes": "mem_total",
              "mem_free_bytes": "mem_free"}


def from_decode_dump(rec):
    """decode_dump's canonical record -> the flat keys this checker uses."""
    out = {DUMP_RENAME.get(k, k): v for k, v in rec.items()
           if k not in ("extra", "if_counters")}
    for x in rec.get("extra", []):
        out["x_%d_%d" % (x["pen"], x["id"])] = x["hex"]
    ctr = rec.get("if_counters", {})
    for k, v in ctr.items():
        out[CTR_RENAME.get(k, k)] = v
    if rec.get("kind") == "counters" and "in_octets" not in ctr:
        for k in ("if_index", "if_type", "if_direction", "if_status", "if_speed", "promisc"):
            out.pop(k, None)  # printed as 0 when there was no generic record
    return out


def oracle_path(capture):
    """The sFlow view of the capture: FILE.sflow.tshark.records.json when the capture's main
    oracle is another protocol's (mixed/), else FILE.tshark.records.json."""
    alt = capture + ".sflow.tshark.records.json"
    return alt if os.path.exists(alt) else capture + ".tshark.records.json"


def compare(capture, fmap, dump_text):
    name = os.path.basename(capture)
    name = name[:-5] if name.endswith(".pcap") else name
    recs, summary = [], {}
    for line in dump_text.splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        if "summary" in obj:
            summary = obj["summary"]
        elif obj.get("proto") == "sflow_v5":
            recs.append(from_decode_dump(obj))
    by_frame = {}
    for r in recs:
        by_frame.setdefault(r["frame"], []).append(r)
    with open(oracle_path(capture)) as f:
        packets = json.load(f)
    chk = Check()
    expected = 0
    for p in packets:
        got = by_frame.get(p["frame"], [])
        samples = [s for d in p.get("datagrams", []) for s in d["samples"]
                   if s["fields"].get("sflow.enterprise", "0") == "0"
                   and s["fields"].get("sflow_245.sampletype") in FLOW_SAMPLES | COUNTER_SAMPLES]
        expected += len(samples)
        if len(samples) != len(got):
            chk.mismatches.append(f"frame {p['frame']}: oracle {len(samples)} samples, "
                                  f"flowdex {len(got)} records")
            continue
        hdrs = [d["header"] for d in p.get("datagrams", [])]
        for i, (s, rec) in enumerate(zip(samples, pair(samples, got))):
            where = f"frame {p['frame']} sample {i}"
            h = hdrs[0]
            chk.eq(where, "agent", h["sflow_245.agent"] if "sflow_245.agent" in h
                   else h.get("sflow_245.agent.v6"), rec.get("agent"))
            chk.eq(where, "sub_agent_id", num(h["sflow_245.sub_agent_id"]),
                   rec.get("sub_agent_id"))
            chk.eq(where, "sequence", num(h["sflow_245.sequence_number"]), rec.get("seq"))
            if s["fields"]["sflow_245.sampletype"] in FLOW_SAMPLES:
                chk.eq(where, "kind", "flow", rec.get("kind"))
                check_flow_sample(chk, where, fmap, s, rec)
            else:
                chk.eq(where, "kind", "counters", rec.get("kind"))
                check_counter_sample(chk, where, fmap, s, rec)
    want = EXPECTED_DROPS.get(name, {})
    others = sum(v for k, v in summary.get("datagrams", {}).items() if k != "sflow_v5")
    for kind in ("dgram_drop", "record_drop"):
        if others:
            # Other protocols share the capture (mixed/): their decoders own those counters.
            print("drop counters not checked: %d datagrams of other protocols" % others)
            break
        if summary.get(kind, {}) != want.get(kind, {}):
            chk.mismatches.append(f"{kind}: flowdex counted {summary.get(kind)}, "
                                  f"expected {want.get(kind, {})}")
    print(f"{'capture':58} {'oracle':>7} {'decoded':>7} {'compared':>8} {'mismatches':>10}"
          f"  verdict")
    ok = not chk.mismatches and len(recs) == expected
    print(f"{name[:58]:58} {expected:>7} {len(recs):>7} {chk.compared:>8} "
          f"{len(chk.mismatches):>10}  {'ok' if ok else 'FAIL'}")
    if "reason" in want:
        print("exception: " + want["reason"])
    if chk.skipped:
        print(f"oracle samples with an inconsistent record walk (not compared): {chk.skipped}")
    if chk.unmapped:
        print("Wireshark fields not mapped:", ", ".join(sorted(chk.unmapped)))
    for m in chk.mismatches[:100]:
        print("MISMATCH", m)
    return 0 if ok else 1


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    dump, capture = sys.argv[1], sys.argv[2]
    if not os.path.exists(capture) or not os.path.exists(oracle_path(capture)):
        print(f"skipped: {capture} or its oracle is missing")
        return 77
    out = subprocess.run([dump, capture], capture_output=True, text=True, check=True,
                         timeout=300).stdout
    return compare(capture, load_map(), out)


if __name__ == "__main__":
    sys.exit(main())
