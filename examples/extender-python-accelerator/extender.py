#!/usr/bin/env python3
"""A kube-scheduler extender with only Python's standard library: filter + prioritize over HTTP.

Nodes are described by two labels:
  accelerator.example.com/model  the accelerator model; a node without it cannot run accelerator pods
  accelerator.example.com/free   how many accelerators are free on the node

filter      keeps the nodes that have an accelerator model; the others fail as unresolvable (preemption
            cannot add hardware), and nodes with none free fail as resolvable (preemption may free one).
prioritize  scores a node by its free accelerators, 0 to 10 (kube's MaxExtenderPriority).

It speaks kube's wire format (k8s.io/kube-scheduler/extender/v1): Go field names, so "Nodes", "NodeNames",
"FailedNodes", "Host", "Score". It needs the full nodes (nodeCacheCapable: false), since it reads their labels.

    python3 extender.py --port 8888     # serves http://127.0.0.1:8888/scheduler/{filter,prioritize}
"""
import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "accelerator.example.com/model"
FREE = "accelerator.example.com/free"
MAX_PRIORITY = 10


def labels_of(node):
    return (node.get("metadata") or {}).get("labels") or {}


def name_of(node):
    return (node.get("metadata") or {}).get("name", "")


def free_of(node):
    try:
        return max(0, int(labels_of(node).get(FREE, "0")))
    except ValueError:
        return 0


def nodes_of(args):
    node_list = args.get("Nodes") or {}
    return node_list.get("items") or []


def filter_nodes(args):
    passed, failed, unresolvable = [], {}, {}
    for node in nodes_of(args):
        if MODEL not in labels_of(node):
            unresolvable[name_of(node)] = "node(s) had no accelerator"
        elif free_of(node) == 0:
            failed[name_of(node)] = "node(s) had no free accelerator"
        else:
            passed.append(node)
    return {
        "Nodes": {"metadata": {}, "items": passed},
        "NodeNames": None,
        "FailedNodes": failed,
        "FailedAndUnresolvableNodes": unresolvable,
        "Error": "",
    }


def prioritize_nodes(args):
    return [{"Host": name_of(node), "Score": min(MAX_PRIORITY, free_of(node))} for node in nodes_of(args)]


VERBS = {"/scheduler/filter": filter_nodes, "/scheduler/prioritize": prioritize_nodes}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the scheduler's client expects

    def do_POST(self):
        verb = VERBS.get(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if verb is None:
            self.answer(404, {"Error": "unknown verb " + self.path})
            return
        try:
            result = verb(json.loads(body))
        except Exception as error:  # an answer the scheduler reads: the cycle fails (or skips an ignorable extender)
            self.answer(200, {"Error": "extender failed: %s" % error})
            return
        self.answer(200, result)

    def answer(self, status, payload):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8888, help="0 picks a free port")
    options = parser.parse_args()
    server = ThreadingHTTPServer((options.host, options.port), Handler)
    print("listening on http://%s:%d/scheduler" % server.server_address, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
