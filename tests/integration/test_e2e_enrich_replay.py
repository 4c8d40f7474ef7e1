"""flowdex replay with every enrichment stage on (config file), and with --geoip/--asn only:
the documents carry the values of the test databases, tables and tags; the private-only
record is dropped and counted as filter_private; community IDs match the spec algorithm."""
import json
import os
import shutil
import subprocess
import sys

import e2e_common as e2e


def main():
    binary, corpus, data = sys.argv[1], sys.argv[2], sys.argv[3]
    city = os.path.join(data, "enrich-city.mmdb")
    if not os.path.exists(city):
        e2e.skip("test databases were not built (MaxMind::DB::Writer missing)")
    caps = [os.path.join(corpus, "netflow5", f)
            for f in ("gen-softflowd_v5.pcap", "graylog__netflow5.pcap")]
    for c in caps:
        if not os.path.exists(c):
            e2e.skip("corpus capture %s not found" % c)
    wd = e2e.workdir()
    orgs = os.path.join(wd, "as-org2info.txt")
    with open(orgs, "w") as f:
        f.write("# format:org_id|changed|org_name|country|source\n"
                "GOGL-ARIN|20230101|GOOGLE (CAIDA)|US|ARIN\n"
                "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
                "15169|20230101|GOOGLE|GOGL-ARIN|x|ARIN\n")
    members = os.path.join(wd, "members.csv")
    with open(members, "w") as f:
        f.write("prefix,organization.id\n8.8.8.0/24,AS15169-RES\n192.168.0.0/16,LAB\n")
    cfg = {
        "stages": [
            {"type": "filter", "private_match": "both", "max_future": 0},
            {"type": "geoip", "database": city,
             "custom": [{"database": os.path.join(data, "enrich-site.mmdb"),
                         "path": "organization/name",
                         "source_field": "source.organization.name",
                         "destination_field": "destination.organization.name"}]},
            {"type": "asn", "database": os.path.join(data, "enrich-asn.mmdb")},
            {"type": "asorg", "file": orgs, "override": True},
            {"type": "prefix_table", "file": members},
            {"type": "tags", "sensors": {"127.0.0.1": "softflowd-lab"},
             "port_tags": {"53": "dns"}},
            {"type": "community_id"},
            {"type": "anonymize", "mode": "truncate"},
        ]
    }
    cfgpath = os.path.join(wd, "flowdex.json")
    with open(cfgpath, "w") as f:
        json.dump(cfg, f)
    out = os.path.join(wd, "out.ndjson")
    p = subprocess.run([binary, "replay", "--config", cfgpath, "--workers", "2", "--output", out]
                       + caps, capture_output=True, timeout=120)
    err = p.stderr.decode()
    e2e.check(p.returncode == 0, "replay exit %d: %s" % (p.returncode, err))
    docs = e2e.read_docs(out)
    e2e.check(len(docs) == 1038 + 3, "documents %d != 1041" % len(docs))
    e2e.check("dropped filter_private (enrich): datagrams 0 records 1" in err, err)
    google = 0
    for d in docs:
        e2e.check(d.get("flowdex", {}).get("anonymized") == ["source.ip", "destination.ip"],
                  "anonymized: %s" % d)
        e2e.check(d["network"]["community_id"].startswith("1:"), "community_id: %s" % d)
        for side in ("source", "destination"):
            s = d[side]
            if s["ip"] == "8.8.8.0":
                google += 1
                e2e.check(s["geo"]["country_iso_code"] == "US", "geo: %s" % s)
                e2e.check(s["geo"]["city_name"] == "Mountain View", "city: %s" % s)
                e2e.check(s["as"]["number"] == 15169, "as: %s" % s)
                e2e.check(s["as"]["organization"]["name"] == "GOOGLE (CAIDA)", "org: %s" % s)
                e2e.check(s["organization"] == {"id": "AS15169-RES", "name": "Public Resolver"},
                          "organization: %s" % s)
        if d["observer"]["ip"] == "127.0.0.1":
            e2e.check(d["observer"].get("name") == "softflowd-lab", "observer: %s" % d)
            e2e.check(d.get("tags") == "dns", "tags: %s" % d)
    e2e.check(google == 1038, "8.8.8.8 sides enriched: %d" % google)

    # The common case: flags only, Community ID by default.
    out2 = os.path.join(wd, "out2.ndjson")
    p = subprocess.run([binary, "replay", "--geoip", city, "--asn",
                        os.path.join(data, "enrich-asn.mmdb"), "--output", out2, caps[0]],
                       capture_output=True, timeout=120)
    e2e.check(p.returncode == 0, "replay --geoip exit %d: %s" % (p.returncode, p.stderr.decode()))
    docs = e2e.read_docs(out2)
    e2e.check(len(docs) == 1038, "documents %d != 1038" % len(docs))
    for d in docs:
        s = d["source"] if d["source"]["ip"] == "8.8.8.8" else d["destination"]
        e2e.check(s["geo"]["country_iso_code"] == "US" and s["as"]["number"] == 15169,
                  "flags-only enrichment: %s" % d)
        e2e.check("community_id" in d["network"], "no community_id: %s" % d)
    print("enrich replay: 1041 documents enriched, 1 private record dropped; flags-only 1038")
    shutil.rmtree(wd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
