#!/usr/bin/env python3
"""A stand-in for `lanes serve` that answers what a test tells it to, for LanesRemote's tests.

Usage: python3 fake-lanes-server.py DIR [PORT]

DIR/routes.json, read again on every request, says what to answer:
  {"token": "secret" | null,
   "routes": {"GET /v1/info": {"status": 200, "json": {...}},
              "GET /v1/snapshot": {"status": 200, "file": "snapshot.json"},
              "POST /v1/workflows/chat/pause": {"status": 200, "json": {...}, "delay_ms": 0}}}
A route answers "json" (any JSON value), "file" (a file in DIR, sent as is) or "text" (sent as
is); a missing route gets 404 {"error": ...}. With a token every request but GET /healthz needs
"Authorization: Bearer <token>" (401 otherwise). Every request is appended to DIR/requests.log as
one JSON line: {"method", "path", "authorization", "body"}.

Binds 127.0.0.1 only; PORT 0 (the default) picks a free port. The first line printed is
"listening on http://127.0.0.1:PORT". SIGTERM stops it; the tests also SIGKILL it.
"""

import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    directory = "."
    lock = threading.Lock()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        path = self.path.split("?", 1)[0]
        auth = self.headers.get("Authorization")
        with Handler.lock:
            with open(os.path.join(Handler.directory, "requests.log"), "a") as log:
                log.write(json.dumps({"method": self.command, "path": path, "authorization": auth,
                                      "body": body}) + "\n")
            with open(os.path.join(Handler.directory, "routes.json")) as file:
                config = json.load(file)
        token = config.get("token")
        if token and path != "/healthz" and auth != "Bearer " + token:
            self.answer(401, json.dumps({"error": "missing or wrong bearer token"}).encode(),
                        {"WWW-Authenticate": "Bearer"})
            return
        route = config.get("routes", {}).get(self.command + " " + path)
        if route is None:
            self.answer(404, json.dumps({"error": "no route " + self.command + " " + path}).encode())
            return
        if route.get("delay_ms"):
            time.sleep(route["delay_ms"] / 1000)
        if "file" in route:
            with open(os.path.join(Handler.directory, route["file"]), "rb") as file:
                payload = file.read()
        elif "text" in route:
            payload = route["text"].encode()
        else:
            payload = json.dumps(route.get("json")).encode()
        self.answer(route.get("status", 200), payload)

    def answer(self, status, payload, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = handle_any
    do_POST = handle_any
    do_DELETE = handle_any

    def log_message(self, *args):
        pass


def main():
    Handler.directory = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
