#!/usr/bin/env python3
"""Golden comparison: flowdex's decoders against Wireshark's decode of the same capture.

Runs decode_dump over CAPTURE (or reads its output with --dump-output), reads the capture's
Wireshark oracle CAPTURE.tshark.records.json, maps every Wireshark field to flowdex fields
through a field map (tests/golden/fieldmap_<family>.json), matches records by frame and
position, and prints a one-line table for the capture plus every mismatch.

Exit status: 0 when every compared field agrees and the record counts agree; 1 otherwise;
77 (skip) when the capture or its oracle is missing.

Allowed differences, and only these:
  * records in sets the oracle could not decode ("no_template": data before its template)
    may be decoded by flowdex: counted as "beyond oracle", not a failure;
  * the per-capture EXCEPTIONS below, each with its reason from the corpus MANIFEST.md.

Field map format (one file per protocol family; the layout names the oracle's shape):
  {"layout": "cflow" | "sflow", "protocols": [decode_dump "proto" values compared],
   "packet": {FIELD: RULE}, "header": {FIELD: RULE}, "record": {FIELD: RULE}, ...}
  RULE is {"ignore": "why"} or a list of targets
      {"to": flowdex_field, "norm": NORM, ["map": {...}], ["absent_if": value]}
  "absent_if": when the normalised oracle value equals it, flowdex must NOT have the field
  (e.g. a sampling rate of 0 means "unknown", which flowdex leaves out).
  "list": "any": when Wireshark lists several values, flowdex's value must be one of them.
  "list": "first": when Wireshark lists several values (an element repeated in the
  template), the first one is compared.
  "skip_if": when the normalised oracle value equals it, the field is not compared (a value
  that means "not set", which another element of the same record may fill in flowdex). Every Wireshark field
  that the map does not name is listed as "not mapped" (reported, not a failure).
"""

import argparse
import datetime
import decimal
import ipaddress
import json
import os
import subprocess
import sys

SKIP = 77

# Per-capture exceptions where Wireshark's view differs from flowdex's on purpose. Each entry
# quotes its reason from MANIFEST.md. Keys:
#   refused_frames: {frame: drop label} flowdex refuses these datagrams (no records expected);
#   oracle_header:  {frame: {field: value}} what Wireshark must show for them (agreement on
#                   what is in the datagram);
#   oracle_records: {frame: n} how many records Wireshark decoded there anyway;
#   drops:          exact decode drop counters expected in the summary (all others must be 0);
#   skip_fields:    {wireshark field: why} fields not compared in this capture;
#   dump_args:      extra decode_dump options (e.g. --steady-clock for captures stitched
#                   from separate recordings, whose timestamps jump by days).
#   beyond_frames:  {frame: n} frames where flowdex decodes n records the oracle does not show
#                   (counted as beyond the oracle, like data sets without a template).
EXCEPTIONS = {
    # --- NetFlow v9 / IPFIX ---
    "graylog__netflow-v9-1": {
        "reason": "Frame 1 says count=2 (its two templates) but also carries a data flowset "
                  "with 2 records; Wireshark stops after 'count' records, flowdex decodes the "
                  "flowset (RFC 3954 5.1: count is not used to delimit flowsets).",
        "beyond_frames": {1: 2},
    },
    "graylog__netflow9": {
        "reason": "As graylog__netflow-v9-1: frame 1's data flowset lies beyond the header "
                  "count; Wireshark stops there, flowdex decodes its 2 records.",
        "beyond_frames": {1: 2},
    },
    "logstash__h3c": {
        "reason": "MANIFEST.md: tshark reports MALFORMED for H3C; 'the upstream test asserts "
                  "more records than tshark shows'. flowdex decodes all 16 records of the "
                  "data flowset, Wireshark only the first.",
        "beyond_frames": {2: 15},
    },
    "logstash__invalid01": {
        "reason": "MANIFEST.md: 'NEGATIVE: malformed flowsets'. The header count (2) is below "
                  "the records present; Wireshark stops after the two templates, flowdex "
                  "decodes the options record and the 2 data records that follow, each "
                  "within its flowset length.",
        "beyond_frames": {1: 3},
    },
    "logstash__ixia": {
        "reason": "MANIFEST.md: Ixia enterprise IEs (PEN 3054), variable-length strings. "
                  "Wireshark 4.0 lists the data sets but decodes none of their records; "
                  "flowdex decodes them (variable-length fields, RFC 7011 section 7).",
        "beyond_frames": {1: 1, 2: 2},
    },
    "pmacct__403-IPFIXv10-BMP-IPv6-CISCO-locrib-peerdown-vrf__traffic-00": {
        "reason": "Frame 1002's pcap timestamp has tv_usec = 1000000 (out of range); "
                  "Wireshark prints '.1000000000' (0.1 s), flowdex reads 1 s.",
        "skip_fields": {"time_epoch": "out-of-range pcap microseconds in frame 1002"},
    },
    "logstash__netflow5_invalid01": {
        "reason": "MANIFEST.md: 'NEGATIVE: header count=55582, far beyond payload; decoder "
                  "must reject/clamp.' Wireshark decodes the 30 records that fit; flowdex "
                  "refuses the datagram (count above 30, nf5_bad_count).",
        "refused_frames": {1: "nf5_bad_count"},
        "oracle_header": {1: {"cflow.version": "5", "cflow.count": "55582"}},
        "oracle_records": {1: 30},
        "drops": {"dgram_drop": {"nf5_bad_count": 1}, "record_drop": {}},
    },
    "derived__v5_v9_ipfix_sflow": {
        "reason": "MANIFEST.md: 'DERIVED: NetFlow v5 + v9 + IPFIX from 3 fake exporters ... "
                  "interleaved'; 'pcap timestamp = export time in the flow header'. The "
                  "timestamps jump years back and forth between frames (2016, 2015, 2017), "
                  "which would expire the v9 and IPFIX templates between template and data; "
                  "Wireshark never expires templates. Housekeeping runs on a steady clock; "
                  "receive times are still compared with the packets' own.",
        "dump_args": ["--steady-clock"],
    },
    "logstash__netscaler": {
        "reason": "MANIFEST.md: template and data from two separate upstream dumps "
                  "(ipfix_test_netscaler_tpl.dat, ipfix_test_netscaler_data.dat), 'pcap "
                  "timestamp = export header time': the data comes 15 days after its template "
                  "(Oct 27 and Nov 11, 2016), past the template lifetime (1800 s); Wireshark "
                  "never expires templates. Housekeeping runs on a steady clock, so the 3 "
                  "records are decoded and compared field by field.",
        "dump_args": ["--steady-clock"],
    },
}


# --- normalisations -------------------------------------------------------------------------

class NotComparable(Exception):
    """The oracle value cannot be put on flowdex's scale: the field is not compared."""


def as_int(v):
    v = v.strip()
    if v.lower().startswith("0x"):
        return int(v, 16)
    return int(v)


def as_addr(v):
    a = ipaddress.ip_address(v.strip())
    if a.version == 6 and a.ipv4_mapped is not None:
        return str(a.ipv4_mapped)
    return str(a)


def seconds_to_ms(v):
    """"1500986281.035371000" -> 1500986281035 (truncated to whole ms, as flowdex does)."""
    d = decimal.Decimal(v.strip())
    return int((d * 1000).to_integral_value(rounding=decimal.ROUND_FLOOR))


MONTHS = {m: i + 1 for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}


def date_to_ms(v):
    """Wireshark absolute time "Oct 21, 2022 12:08:01.000000000 UTC" -> epoch ms."""
    parts = v.replace(",", "").split()
    if len(parts) != 5 or parts[4] != "UTC":
        raise ValueError("unexpected date format %r" % v)
    mon, day, year, clock = MONTHS[parts[0]], int(parts[1]), int(parts[2]), parts[3]
    hms, _, frac = clock.partition(".")
    h, m, s = (int(x) for x in hms.split(":"))
    base = datetime.datetime(year, mon, day, h, m, s, tzinfo=datetime.timezone.utc)
    secs = int(base.timestamp())
    ms = int((frac + "000")[:3]) if frac else 0
    return secs * 1000 + ms


def export_ms_of(ctx):
    """Export time of the PDU header in epoch ms (NetFlow v5: secs + nsecs; v9: secs)."""
    h = ctx["header"]
    if "cflow.unix_secs" in h:
        ms = as_int(h["cflow.unix_secs"]) * 1000
        if "cflow.unix_nsecs" in h:
            ms += as_int(h["cflow.unix_nsecs"]) // 1000000
        return ms
    if "cflow.timestamp" in h:
        return date_to_ms(h["cflow.timestamp"])
    raise ValueError("header has no export time")


def uptime_to_ms(v, ctx):
    """sysUptime-relative seconds -> epoch ms, through the header's sysUptime and export
    time; the difference is read as a signed 32-bit ms value (wrap-safe, as flowdex)."""
    if "cflow.sysuptime" not in ctx["header"] and "_sys_init_ms" in ctx["header"]:
        # IPFIX: relative to the exporter's systemInitTimeMilliseconds (options data).
        return ctx["header"]["_sys_init_ms"] + seconds_to_ms(v)
    if "cflow.sysuptime" not in ctx["header"]:
        # IPFIX flowStart/EndSysUpTime with no systemInitTimeMilliseconds anywhere: no clock
        # anchors them in the oracle; flowdex takes the time from another element of the
        # record when there is one, else leaves it out (docs/decoders.md).
        raise NotComparable()
    up = seconds_to_ms(ctx["header"]["cflow.sysuptime"])
    t = seconds_to_ms(v)
    diff = (up - t) & 0xffffffff
    if diff >= 0x80000000:
        diff -= 0x100000000
    return export_ms_of(ctx) - diff


def as_hex(v):
    return v.replace(":", "").replace(" ", "").lower()


def as_mac(v):
    h = as_hex(v)
    return ":".join(h[i:i + 2] for i in range(0, len(h), 2))


def renormalised(v, ctx, rec):
    """Counter multiplied by flowdex's own sampling rate (bytes/packets renormalised); the
    rate itself is compared with the oracle through its own map entry."""
    rate = rec.get("sampling_rate", 0)
    return as_int(v) * (rate if ctx["renormalize"] and rate > 1 else 1)


def addr_or_extra(v, ctx, rec, field):
    """An address that flowdex holds either in the record field or, when the record carries
    both an IPv4 and an IPv6 address for it (SRv6), in its extra area: returns the field's
    value when the oracle's address is found in the extra area, so the comparison agrees."""
    want = as_addr(v)
    if rec.get(field) == want:
        return want
    packed = ipaddress.ip_address(want).packed.hex()
    if any(x.get("hex") == packed for x in rec.get("extra", [])):
        return rec.get(field)
    return want


NORMS = {
    "int": lambda v, ctx, rec: as_int(v),
    "str": lambda v, ctx, rec: v,
    "addr": lambda v, ctx, rec: as_addr(v),
    "hex": lambda v, ctx, rec: as_hex(v),
    "mac": lambda v, ctx, rec: as_mac(v),
    "seconds_to_ms": lambda v, ctx, rec: seconds_to_ms(v),
    "date_to_ms": lambda v, ctx, rec: date_to_ms(v),
    "uptime_to_ms": lambda v, ctx, rec: uptime_to_ms(v, ctx),
    "renormalised": renormalised,
    "addr_or_extra_src": lambda v, ctx, rec: addr_or_extra(v, ctx, rec, "src"),
    "addr_or_extra_dst": lambda v, ctx, rec: addr_or_extra(v, ctx, rec, "dst"),
    "addr_or_extra_next_hop": lambda v, ctx, rec: addr_or_extra(v, ctx, rec, "next_hop"),
    "addr_or_extra_bgp_next_hop": lambda v, ctx, rec: addr_or_extra(v, ctx, rec, "bgp_next_hop"),
    "int_list": lambda v, ctx, rec: [as_int(x) for x in (v if isinstance(v, list) else [v])],
}


def normalise(target, value, ctx, rec):
    norm = target.get("norm", "str")
    if norm == "map":
        table = target["map"]
        if value not in table:
            raise ValueError("value %r not in the map of %s" % (value, target["to"]))
        return table[value]
    if isinstance(value, list) and target.get("list") == "first":
        value = value[0]  # an element repeated in the template: the first fills the field
    if isinstance(value, list) and norm != "int_list":
        raise ValueError("repeated field (list) with scalar normalisation %s" % norm)
    return NORMS[norm](value, ctx, rec)


# --- oracle layouts -------------------------------------------------------------------------

class OracleRecord:
    """One record as Wireshark decoded it, with the packet and header it came in."""

    def __init__(self, frame, packet, header, fields, section):
        self.frame = frame
        self.packet = packet
        self.header = header
        self.fields = fields
        self.section = section  # field-map section for the record's own fields


def layout_cflow(oracle):
    """NetFlow v5/v9/IPFIX: pdus[] -> v5 records, or sets[] -> records. Returns the records
    and the frames holding data sets Wireshark could not decode (no template yet)."""
    records, no_template = [], set()
    sys_init = {}  # (exporter, domain) -> systemInitTimeMilliseconds seen in options data
    for pkt in oracle:
        packet = {k: v for k, v in pkt.items() if k != "pdus"}
        for pdu in pkt.get("pdus", []):
            for r in pdu.get("records", []):
                records.append(OracleRecord(pkt["frame"], packet, pdu["header"], r, "record"))
            key = (pkt.get("src"), pdu["header"].get("cflow.od_id"))
            for s in pdu.get("sets", []):
                if s.get("no_template"):
                    no_template.add(pkt["frame"])
                for r in s.get("records", []):
                    header = pdu["header"]
                    if key in sys_init:
                        header = dict(header, _sys_init_ms=sys_init[key])
                    records.append(OracleRecord(pkt["frame"], packet, header, r, "record"))
                    if isinstance(r.get("cflow.sys_init_time"), str):
                        sys_init[key] = date_to_ms(r["cflow.sys_init_time"])
    return records, no_template


def layout_sflow(oracle):
    """sFlow v5: datagrams[] -> samples[] (one flowdex record per sample; the sample's fields
    and its records' fields together). The sFlow field map refines what is compared."""
    records = []
    for pkt in oracle:
        packet = {k: v for k, v in pkt.items() if k != "datagrams"}
        for dg in pkt.get("datagrams", []):
            for smp in dg.get("samples", []):
                fields = dict(smp.get("fields", {}))
                for r in smp.get("records", []):
                    for k, v in r.get("fields", {}).items():
                        # A field met again with another value becomes a list (never
                        # silently dropped): the field map must then say how to read it.
                        if k not in fields or fields[k] == v:
                            fields[k] = v
                        elif isinstance(fields[k], list):
                            fields[k].append(v)
                        else:
                            fields[k] = [fields[k], v]
                records.append(OracleRecord(pkt["frame"], packet, dg.get("header", {}),
                                            fields, "record"))
    return records, set()


LAYOUTS = {"cflow": layout_cflow, "sflow": layout_sflow}


# --- comparison -----------------------------------------------------------------------------

class Result:
    def __init__(self):
        self.compared = 0
        self.mismatches = []
        self.unmapped = set()
        self.targets = set()  # flowdex fields some oracle field was compared with
        self.beyond = 0
        self.problems = []


def compare_section(res, fmap, section, fields, ctx, rec, where, skip_fields):
    rules = fmap.get(section, {})
    for name, value in fields.items():
        if name in skip_fields or name.startswith("_"):  # "_x": added by the layout
            continue
        rule = rules.get(name)
        if rule is None:
            res.unmapped.add(name)
            continue
        if isinstance(rule, dict) and "ignore" in rule:
            continue
        for target in rule:
            to = target["to"]
            res.targets.add(to)
            try:
                if isinstance(value, list) and target.get("list") == "any":
                    # Several elements feed one flowdex field (flowStartSeconds and
                    # flowStartMilliseconds): flowdex keeps one; any of them agrees.
                    alts = [normalise(dict(target, list="first"), [x], ctx, rec)
                            for x in value]
                    want = rec.get(to) if rec.get(to) in alts else alts[0]
                else:
                    want = normalise(target, value, ctx, rec)
            except NotComparable:
                continue
            except (ValueError, KeyError, decimal.InvalidOperation) as e:
                res.mismatches.append("%s %s=%r: cannot normalise: %s" % (where, name, value, e))
                continue
            if "skip_if" in target and want == target["skip_if"]:
                continue
            res.compared += 1
            if "absent_if" in target and want == target["absent_if"]:
                if to in rec:
                    res.mismatches.append("%s %s=%r: flowdex %s=%r, expected absent"
                                          % (where, name, value, to, rec[to]))
                continue
            got = rec.get(to, "<absent>")
            if got != want:
                res.mismatches.append("%s %s=%r -> %s: flowdex %r, expected %r"
                                      % (where, name, value, to, got, want))


def compare_record(res, fmap, orec, rec, renormalize, skip_fields):
    where = "frame %d rec %d:" % (orec.frame, rec.get("rec_index", -1))
    ctx = {"header": orec.header, "packet": orec.packet, "renormalize": renormalize}
    compare_section(res, fmap, "packet", orec.packet, ctx, rec, where, skip_fields)
    compare_section(res, fmap, "header", orec.header, ctx, rec, where, skip_fields)
    compare_section(res, fmap, orec.section, orec.fields, ctx, rec, where, skip_fields)


def count_mismatches(res, fmap, orec, rec, renormalize, skip_fields):
    trial = Result()
    compare_record(trial, fmap, orec, rec, renormalize, skip_fields)
    return len(trial.mismatches)


def align_frame(res, fmap, frame, orecs, drecs, renormalize, skip_fields, no_template_seen,
                beyond_expected=None):
    """Matches the frame's oracle records with flowdex's by position. Where flowdex decoded
    more (data sets Wireshark had no template for), each oracle record takes the first
    remaining flowdex record that agrees exactly (else the next one, and its mismatches are
    reported); the rest count as decoded beyond the oracle."""
    if len(drecs) == len(orecs):
        for o, d in zip(orecs, drecs):
            compare_record(res, fmap, o, d, renormalize, skip_fields)
        return
    if beyond_expected is not None and len(drecs) != len(orecs) + beyond_expected:
        res.problems.append("frame %d: %d records in the oracle, %d decoded, exception expects "
                            "%d beyond" % (frame, len(orecs), len(drecs), beyond_expected))
    if len(drecs) < len(orecs) or not (no_template_seen or beyond_expected):
        res.problems.append("frame %d: %d records in the oracle, %d decoded"
                            % (frame, len(orecs), len(drecs)))
        for o, d in zip(orecs, drecs):
            compare_record(res, fmap, o, d, renormalize, skip_fields)
        return
    i = 0
    for o in orecs:
        j = i
        while j < len(drecs) and count_mismatches(res, fmap, o, drecs[j], renormalize,
                                                  skip_fields) != 0:
            j += 1
        if j == len(drecs):
            j = i
        compare_record(res, fmap, o, drecs[j], renormalize, skip_fields)
        res.beyond += j - i
        i = j + 1
    res.beyond += len(drecs) - i


def check_exception(res, exc, oracle_by_frame, orecs_by_frame, drecs_by_frame):
    for frame, drop in exc.get("refused_frames", {}).items():
        if drecs_by_frame.get(frame):
            res.problems.append("frame %d: expected refused (%s), flowdex decoded %d records"
                                % (frame, drop, len(drecs_by_frame[frame])))
        want_n = exc.get("oracle_records", {}).get(frame)
        got_n = len(orecs_by_frame.get(frame, []))
        if want_n is not None and got_n != want_n:
            res.problems.append("frame %d: oracle has %d records, exception expects %d"
                                % (frame, got_n, want_n))
        pkt = oracle_by_frame.get(frame, {})
        headers = [p.get("header", {}) for p in pkt.get("pdus", pkt.get("datagrams", []))]
        for field, value in exc.get("oracle_header", {}).get(frame, {}).items():
            if not any(h.get(field) == value for h in headers):
                res.problems.append("frame %d: oracle header %s is not %r (exception stale?)"
                                    % (frame, field, value))


def check_drops(res, summary, exc):
    want = exc.get("drops", {}) if exc else {}
    for kind in ("dgram_drop", "record_drop"):
        got = summary.get(kind, {})
        expect = want.get(kind, {})
        if got != expect:
            res.problems.append("%s: flowdex counted %s, expected %s"
                                % (kind, json.dumps(got, sort_keys=True),
                                   json.dumps(expect, sort_keys=True)))


def capture_name(capture):
    name = os.path.basename(capture)
    return name[:-5] if name.endswith(".pcap") else name


def run_dump(dump, capture, renormalize):
    exc = EXCEPTIONS.get(capture_name(capture), {})
    cmd = [dump] + ([] if renormalize else ["--raw"]) + exc.get("dump_args", []) + [capture]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, timeout=300).stdout
    return out.decode()


def parse_dump(text):
    records, summary = [], None
    for line in text.splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        if "summary" in obj:
            summary = obj["summary"]
        else:
            records.append(obj)
    if summary is None:
        raise SystemExit("decode_dump output has no summary line")
    return records, summary


def compare(capture, fmap, dump_text, renormalize):
    name = capture_name(capture)
    oracle = json.load(open(capture + ".tshark.records.json"))
    exc = EXCEPTIONS.get(name)
    skip_fields = exc.get("skip_fields", {}) if exc else {}
    orecs, no_template = LAYOUTS[fmap["layout"]](oracle)
    drecs, summary = parse_dump(dump_text)
    # A capture may mix families (mixed/): compare only this map's protocols; the others
    # have their own view of the capture (e.g. CAPTURE.sflow.tshark.records.json).
    if "protocols" in fmap:
        drecs = [d for d in drecs if d.get("proto") in fmap["protocols"]]

    res = Result()
    oracle_by_frame = {p["frame"]: p for p in oracle}
    orecs_by_frame, drecs_by_frame = {}, {}
    for o in orecs:
        orecs_by_frame.setdefault(o.frame, []).append(o)
    for d in drecs:
        drecs_by_frame.setdefault(d["frame"], []).append(d)
    refused = set(exc.get("refused_frames", {})) if exc else set()
    if exc:
        check_exception(res, exc, oracle_by_frame, orecs_by_frame, drecs_by_frame)
    check_drops(res, summary, exc)

    first_no_template = min(no_template) if no_template else None
    for frame in sorted(set(orecs_by_frame) | set(drecs_by_frame)):
        if frame in refused:
            continue
        seen = first_no_template is not None and frame >= first_no_template
        beyond = exc.get("beyond_frames", {}).get(frame) if exc else None
        align_frame(res, fmap, frame, orecs_by_frame.get(frame, []),
                    drecs_by_frame.get(frame, []), renormalize, skip_fields, seen, beyond)

    n_oracle = sum(len(v) for f, v in orecs_by_frame.items() if f not in refused)
    failed = bool(res.mismatches or res.problems)
    print("%-58s %7s %7s %8s %10s %7s %9s  %s"
          % ("capture", "oracle", "decoded", "compared", "mismatches", "beyond", "unmapped",
             "verdict"))
    print("%-58s %7d %7d %8d %10d %7d %9d  %s"
          % (name[:58], n_oracle, len(drecs), res.compared, len(res.mismatches), res.beyond,
             len(res.unmapped), "FAIL" if failed else "ok"))
    if exc:
        print("exception: " + exc["reason"])
    if res.unmapped:
        print("Wireshark fields not mapped: " + ", ".join(sorted(res.unmapped)))
    # Informational: decoded fields that no Wireshark field was compared with.
    identity = {"frame", "rec_index", "kind"}
    uncompared = {k for d in drecs for k in d} - res.targets - identity
    if uncompared:
        print("flowdex fields not compared: " + ", ".join(sorted(uncompared)))
    for p in res.problems:
        print("PROBLEM " + p)
    for m in res.mismatches[:200]:
        print("MISMATCH " + m)
    if len(res.mismatches) > 200:
        print("... %d more mismatches" % (len(res.mismatches) - 200))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("capture")
    ap.add_argument("--fieldmap", required=True)
    ap.add_argument("--dump", help="decode_dump executable")
    ap.add_argument("--dump-output", help="read decode_dump output from this file instead")
    ap.add_argument("--raw", action="store_true", help="no renormalisation by sampling rate")
    args = ap.parse_args()
    if not os.path.exists(args.capture) or \
            not os.path.exists(args.capture + ".tshark.records.json"):
        print("skipped: %s or its oracle is missing" % args.capture)
        return SKIP
    fmap = json.load(open(args.fieldmap))
    if args.dump_output:
        text = open(args.dump_output).read()
    elif args.dump:
        text = run_dump(args.dump, args.capture, not args.raw)
    else:
        ap.error("one of --dump or --dump-output is required")
    if fmap["layout"] == "sflow":
        # sFlow's sample-level rules live in their own module (tests/golden/sflow_oracle.py).
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import sflow_oracle
        return sflow_oracle.compare(args.capture, fmap, text)
    return compare(args.capture, fmap, text, not args.raw)


if __name__ == "__main__":
    sys.exit(main())
