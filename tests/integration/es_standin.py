#!/usr/bin/env python3
"""A small Elasticsearch stand-in for flowdex's tests (Python standard library only).

It implements the endpoints flowdex uses, with the response shapes of Elasticsearch's REST
documentation: GET / (version), PUT/GET _index_template and _template, POST _bulk (per-item
results and errors, 409 version conflicts on create, mapping type checks against the installed
template), GET <index>/_count, GET _cat/indices?format=json, DELETE <index>. Basic auth and API
keys are checked when configured; gzip request bodies are accepted.

Fault injection (command line --faults JSON, or POST /_standin/faults at run time):
  item_429_rate     share of bulk items answered 429 es_rejected_execution_exception
  bulk_429_rate     share of bulk requests answered 429 as a whole
  bulk_503_rate     share of bulk requests answered 503 as a whole
  drop_before_rate  share of bulk requests whose connection is closed before applying them
  drop_after_rate   share of bulk requests applied, then the connection closed (answer lost)
  down_for_s        from now on, every request's connection is reset for this many seconds
  slow_ms           delay before each bulk answer
  seed              random seed (deterministic runs)
State for assertions: GET /_standin/stats. Listens on 127.0.0.1 only.
"""
import argparse
import base64
import datetime
import fnmatch
import gzip
import ipaddress
import json
import random
import re
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Lock()


class State:
    def __init__(self, args):
        self.version = args.version
        self.distribution = args.distribution
        self.user = args.user
        self.password = args.password
        self.api_key = args.api_key
        self.indices = {}  # name -> {id: doc}
        self.templates = {}  # name -> body (composable)
        self.legacy_templates = {}
        self.faults = {}  # merged by each set_faults(); a rate of 0 turns a fault off
        self.down_until = 0.0
        self.conflict_samples = []  # 409s whose document differs from the stored one
        self.rng = random.Random(1)
        self.stats = {
            "requests": 0, "bulk_requests": 0, "bulk_items": 0, "gzip_requests": 0,
            "connections": 0, "template_puts": 0, "legacy_template_puts": 0,
            "conflicts": 0, "mapping_errors": 0, "item_429": 0, "bulk_429": 0, "bulk_503": 0,
            "dropped_before": 0, "dropped_after": 0, "refused_down": 0, "auth_failures": 0,
            "auth_basic": 0, "auth_api_key": 0, "deleted_indices": 0, "created": 0,
            "updated": 0,
        }
        self.set_faults(json.loads(args.faults) if args.faults else {})

    def set_faults(self, f):
        self.faults.update({k: v for k, v in f.items() if k not in ("down_for_s", "seed")})
        if "seed" in f:
            self.rng = random.Random(f["seed"])
        if "down_for_s" in f:
            self.down_until = time.monotonic() + float(f["down_for_s"])

    def chance(self, key):
        rate = float(self.faults.get(key, 0))
        return rate > 0 and self.rng.random() < rate

    def major_minor(self):
        m = re.match(r"(\d+)\.(\d+)", self.version)
        return (int(m.group(1)), int(m.group(2))) if m else (8, 0)

    def composable(self):
        major, minor = self.major_minor()
        return self.distribution == "opensearch" or (major, minor) >= (7, 8)


STATE = None


# ---------------------------------------------------------------- mapping checks

def template_for(index):
    """Properties of the best matching template (composable first, by priority)."""
    best, best_prio = None, None
    for body in STATE.templates.values():
        if any(fnmatch.fnmatchcase(index, p) for p in body.get("index_patterns", [])):
            prio = body.get("priority", 0)
            if best_prio is None or prio > best_prio:
                best = body.get("template", {}).get("mappings", {})
                best_prio = prio
    if best is not None:
        return best
    best, best_order = None, None
    for body in STATE.legacy_templates.values():
        if any(fnmatch.fnmatchcase(index, p) for p in body.get("index_patterns", [])):
            order = body.get("order", 0)
            if best_order is None or order > best_order:
                best, best_order = body.get("mappings", {}), order
    return best or {}


DATE_RES = [
    re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$"),
    re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$"),
]


def valid(kind, v):
    if isinstance(v, list):
        return all(valid(kind, x) for x in v)
    if kind == "ip":
        if not isinstance(v, str):
            return False
        try:
            ipaddress.ip_address(v)
            return True
        except ValueError:
            return False
    if kind in ("long", "integer", "short", "byte"):
        if isinstance(v, bool):
            return False
        if isinstance(v, int):
            return -2**63 <= v < 2**63
        if isinstance(v, str):
            try:
                return -2**63 <= int(v) < 2**63
            except ValueError:
                return False
        return isinstance(v, float) and v.is_integer()
    if kind == "date":
        if isinstance(v, int) and not isinstance(v, bool):
            return True
        return isinstance(v, str) and any(r.match(v) for r in DATE_RES)
    if kind == "geo_point":
        return (isinstance(v, dict) and isinstance(v.get("lat"), (int, float))
                and isinstance(v.get("lon"), (int, float)) and -90 <= v["lat"] <= 90
                and -180 <= v["lon"] <= 180)
    if kind == "keyword":
        return isinstance(v, (str, int, float, bool))
    if kind == "object":
        return isinstance(v, dict)
    return True


def check_doc(mappings, doc, prefix=""):
    """Returns (field, type, value) of the first mapping violation, or None."""
    props = mappings.get("properties", {})
    for key, val in doc.items():
        path = prefix + key
        m = props.get(key)
        if m is None:
            if isinstance(val, dict):
                bad = check_doc({}, val, path + ".")
                if bad:
                    return bad
            continue
        kind = m.get("type", "object" if "properties" in m else None)
        if kind == "object" or (kind is None and "properties" in m):
            if not isinstance(val, dict):
                return (path, "object", val)
            bad = check_doc(m, val, path + ".")
            if bad:
                return bad
            continue
        if not valid(kind, val):
            return (path, kind, val)
    return None


# ---------------------------------------------------------------- responses

def es_error(status, etype, reason, extra=None):
    err = {"type": etype, "reason": reason}
    if extra:
        err.update(extra)
    return status, {"error": {"root_cause": [dict(err)], **err}, "status": status}


def index_ok(name):
    return (name and name == name.lower() and not name.startswith(("_", "-", "+"))
            and not any(c in name for c in ' "*\\<|,>/?'))


def bulk(body):
    lines = body.split(b"\n")
    items = []
    errors = False
    i = 0
    major, _ = STATE.major_minor()
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        try:
            action = json.loads(lines[i])
            op, meta = next(iter(action.items()))
            src = json.loads(lines[i + 1])
        except (ValueError, IndexError, StopIteration, AttributeError):
            return es_error(400, "illegal_argument_exception",
                            "Malformed action/metadata line [%d]" % (i + 1))
        i += 2
        if op not in ("create", "index"):
            return es_error(400, "illegal_argument_exception", "unsupported action " + op)
        index = meta.get("_index")
        doc_id = meta.get("_id")
        STATE.stats["bulk_items"] += 1
        res = {"_index": index, "_id": doc_id}
        if STATE.chance("item_429_rate"):
            STATE.stats["item_429"] += 1
            res.update(status=429, error={
                "type": "es_rejected_execution_exception",
                "reason": "rejected execution of coordinating operation [shard_detail=[%s][0]]"
                          % index})
        elif not index_ok(index):
            res.update(status=400, error={
                "type": "invalid_index_name_exception",
                "reason": "Invalid index name [%s]" % index, "index": index})
        else:
            bad = check_doc(template_for(index), src)
            docs = STATE.indices.get(index)
            if bad is not None:
                STATE.stats["mapping_errors"] += 1
                field, kind, val = bad
                etype = "document_parsing_exception" if major >= 8 else "mapper_parsing_exception"
                res.update(status=400, error={
                    "type": etype,
                    "reason": "[1:2] failed to parse field [%s] of type [%s] in document with "
                              "id '%s'. Preview of field's value: '%s'"
                              % (field, kind, doc_id, val)})
            else:
                if docs is None:
                    docs = STATE.indices[index] = {}
                if doc_id is None:
                    doc_id = res["_id"] = base64.urlsafe_b64encode(
                        uuid.uuid4().bytes)[:20].decode()
                if doc_id in docs and op == "create":
                    STATE.stats["conflicts"] += 1
                    if docs[doc_id] != src and len(STATE.conflict_samples) < 5:
                        STATE.conflict_samples.append({"_id": doc_id, "stored": docs[doc_id],
                                                       "refused": src})
                    res.update(status=409, error={
                        "type": "version_conflict_engine_exception",
                        "reason": "[%s]: version conflict, document already exists (current "
                                  "version [1])" % doc_id,
                        "index_uuid": "aAsFqTI0Tc2W0LCWgPNrOA", "shard": "0", "index": index})
                else:
                    updated = doc_id in docs
                    docs[doc_id] = src
                    STATE.stats["updated" if updated else "created"] += 1
                    res.update(_version=2 if updated else 1,
                               result="updated" if updated else "created",
                               _shards={"total": 2, "successful": 1, "failed": 0},
                               _seq_no=0, _primary_term=1, status=200 if updated else 201)
        if "error" in res:
            errors = True
        items.append({op: res})
    return 200, {"took": 3, "errors": errors, "items": items}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "es-standin"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        with LOCK:
            STATE.stats["connections"] += 1

    def reset(self):
        """Closes the connection with a TCP reset, without an answer."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def send_json(self, status, obj, head=False):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            with LOCK:
                STATE.stats["gzip_requests"] += 1
            body = gzip.decompress(body)
        return body

    def authorized(self):
        if not STATE.user and not STATE.api_key:
            return True
        auth = self.headers.get("Authorization", "")
        if STATE.user and auth.startswith("Basic "):
            want = base64.b64encode(("%s:%s" % (STATE.user, STATE.password)).encode()).decode()
            if auth[6:] == want:
                STATE.stats["auth_basic"] += 1
                return True
        if STATE.api_key and auth == "ApiKey " + STATE.api_key:
            STATE.stats["auth_api_key"] += 1
            return True
        STATE.stats["auth_failures"] += 1
        return False

    def handle_any(self, method):
        url = urlparse(self.path)
        path = url.path
        query = parse_qs(url.query)
        body = self.read_body() if method in ("POST", "PUT", "DELETE") else b""
        if path.startswith("/_standin/"):
            return self.standin(method, path, body)
        with LOCK:
            STATE.stats["requests"] += 1
            if time.monotonic() < STATE.down_until:
                STATE.stats["refused_down"] += 1
                return self.reset()
            if not self.authorized():
                status, obj = es_error(401, "security_exception",
                                       "missing authentication credentials for REST request")
                return self.send_json(status, obj)
        if method == "POST" and (path == "/_bulk" or re.match(r"^/[^_/][^/]*/_bulk$", path)):
            return self.do_bulk(body)
        with LOCK:
            status, obj = self.route(method, path, query, body)
        self.send_json(status, obj, head=method == "HEAD")

    def do_bulk(self, body):
        with LOCK:
            STATE.stats["bulk_requests"] += 1
            slow = float(STATE.faults.get("slow_ms", 0)) / 1000.0
            if STATE.chance("drop_before_rate"):
                STATE.stats["dropped_before"] += 1
                return self.reset()
            if STATE.chance("bulk_429_rate"):
                STATE.stats["bulk_429"] += 1
                status, obj = es_error(429, "es_rejected_execution_exception",
                                       "rejected execution of coordinating operation")
            elif STATE.chance("bulk_503_rate"):
                STATE.stats["bulk_503"] += 1
                status, obj = es_error(503, "unavailable_shards_exception",
                                       "primary shard is not active")
            else:
                status, obj = bulk(body)
                if STATE.chance("drop_after_rate"):
                    STATE.stats["dropped_after"] += 1
                    return self.reset()
        if slow > 0:
            time.sleep(slow)
        self.send_json(status, obj)

    def route(self, method, path, query, body):
        if path == "/" and method in ("GET", "HEAD"):
            ver = {"number": STATE.version, "build_flavor": "default", "build_type": "deb",
                   "lucene_version": "9.8.0", "minimum_wire_compatibility_version": "7.17.0",
                   "minimum_index_compatibility_version": "7.0.0"}
            if STATE.distribution == "opensearch":
                ver = {"distribution": "opensearch", "number": STATE.version,
                       "build_type": "deb", "lucene_version": "9.7.0",
                       "minimum_wire_compatibility_version": "7.10.0",
                       "minimum_index_compatibility_version": "7.0.0"}
            tagline = ("The OpenSearch Project: https://opensearch.org/"
                       if STATE.distribution == "opensearch" else "You Know, for Search")
            return 200, {"name": "standin", "cluster_name": "flowdex-test",
                         "cluster_uuid": "s2VtbBhRQm2W0CbnNdY1Ow", "version": ver,
                         "tagline": tagline}
        m = re.match(r"^/(_index_template|_template)/([^/]+)$", path)
        if m:
            kind, name = m.groups()
            if kind == "_index_template" and not STATE.composable():
                return 400, {"error": "no handler found for uri [%s] and method [%s]"
                             % (path, method)}
            store = STATE.templates if kind == "_index_template" else STATE.legacy_templates
            if method == "PUT":
                try:
                    tpl = json.loads(body)
                except ValueError:
                    return es_error(400, "parse_exception", "request body is required")
                if not isinstance(tpl.get("index_patterns"), list):
                    return es_error(400, "action_request_validation_exception",
                                    "Validation Failed: 1: index patterns are missing;")
                store[name] = tpl
                STATE.stats["template_puts" if kind == "_index_template"
                            else "legacy_template_puts"] += 1
                return 200, {"acknowledged": True}
            if method == "GET":
                if name not in store:
                    return es_error(404, "resource_not_found_exception",
                                    "index template matching [%s] not found" % name)
                if kind == "_index_template":
                    return 200, {"index_templates": [{"name": name,
                                                      "index_template": store[name]}]}
                return 200, {name: store[name]}
            if method == "DELETE":
                store.pop(name, None)
                return 200, {"acknowledged": True}
        m = re.match(r"^/_cat/indices(?:/([^/]+))?$", path)
        if m and method == "GET":
            pattern = m.group(1) or "*"
            rows = []
            for name in sorted(STATE.indices):
                if any(fnmatch.fnmatchcase(name, p) for p in pattern.split(",")):
                    rows.append({"health": "yellow", "status": "open", "index": name,
                                 "uuid": "u" + name, "pri": "1", "rep": "1",
                                 "docs.count": str(len(STATE.indices[name])),
                                 "docs.deleted": "0", "store.size": "1kb",
                                 "pri.store.size": "1kb"})
            if "h" in query:
                cols = query["h"][0].split(",")
                rows = [{c: r.get(c) for c in cols} for r in rows]
            return 200, rows
        m = re.match(r"^/([^_/][^/]*)/_count$", path) or re.match(r"^/(_count)$", path)
        if m and method in ("GET", "POST"):
            pattern = "*" if m.group(1) == "_count" else m.group(1)
            n = sum(len(d) for name, d in STATE.indices.items()
                    if any(fnmatch.fnmatchcase(name, p) for p in pattern.split(",")))
            return 200, {"count": n, "_shards": {"total": 1, "successful": 1, "skipped": 0,
                                                 "failed": 0}}
        m = re.match(r"^/([^_/][^/]*)$", path)
        if m and method == "DELETE":
            name = m.group(1)
            if name not in STATE.indices:
                return es_error(404, "index_not_found_exception", "no such index [%s]" % name,
                                {"index": name})
            del STATE.indices[name]
            STATE.stats["deleted_indices"] += 1
            return 200, {"acknowledged": True}
        if m and method == "PUT":
            STATE.indices.setdefault(m.group(1), {})
            return 200, {"acknowledged": True, "shards_acknowledged": True,
                         "index": m.group(1)}
        return 400, {"error": "no handler found for uri [%s] and method [%s]" % (path, method)}

    def standin(self, method, path, body):
        with LOCK:
            if path == "/_standin/stats":
                ids = {}
                dup_ids = 0
                for docs in STATE.indices.values():
                    for i in docs:
                        if i in ids:
                            dup_ids += 1
                        ids[i] = 1
                obj = dict(STATE.stats)
                obj["docs"] = sum(len(d) for d in STATE.indices.values())
                obj["indices"] = {n: len(d) for n, d in sorted(STATE.indices.items())}
                obj["ids_in_several_indices"] = dup_ids
                obj["templates"] = sorted(STATE.templates)
                obj["conflicts_with_other_content"] = STATE.conflict_samples
                obj["legacy_templates"] = sorted(STATE.legacy_templates)
                return self.send_json(200, obj)
            if path == "/_standin/docs":
                return self.send_json(200, STATE.indices)
            if path == "/_standin/faults" and method == "POST":
                STATE.set_faults(json.loads(body or b"{}"))
                return self.send_json(200, {"faults": STATE.faults})
        self.send_json(404, {"error": "unknown"})

    def do_GET(self):
        self.handle_any("GET")

    def do_HEAD(self):
        self.handle_any("HEAD")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")


def main():
    global STATE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write the bound port here once listening")
    ap.add_argument("--version", default="8.11.1")
    ap.add_argument("--distribution", default="elasticsearch",
                    choices=["elasticsearch", "opensearch"])
    ap.add_argument("--user")
    ap.add_argument("--password", default="")
    ap.add_argument("--api-key")
    ap.add_argument("--faults", help="initial faults as JSON")
    ap.add_argument("--preload", help="JSON file {index: {id: doc}} loaded at start")
    ap.add_argument("--max-seconds", type=float, default=600,
                    help="exit on its own after this long (a safety bound for tests)")
    args = ap.parse_args()
    STATE = State(args)
    if args.preload:
        with open(args.preload) as f:
            STATE.indices = json.load(f)
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        import os
        os.replace(args.port_file + ".tmp", args.port_file)
    timer = threading.Timer(args.max_seconds, srv.shutdown)
    timer.daemon = True
    timer.start()
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
