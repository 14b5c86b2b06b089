#!/usr/bin/env python3
"""A small local HTTP server for examples/local-services.yaml.

Usage: python3 examples/local-services-server.py [PORT] [--seed N] [--verbose]

Routes (any method):
  /ok      200 "ok"
  /flaky   503 about 30% of the time, else 200
  /slow    200 after a pause: ?ms=N (default 300)
  /hook    204, counts the call
  /stats   200, JSON: how many requests each route got and how many /flaky failed

Binds 127.0.0.1 only. PORT defaults to 8765; 0 picks a free port. The first line printed is
"listening on http://127.0.0.1:PORT". SIGTERM or Ctrl-C stops it cleanly (exit status 0).
--seed makes the /flaky failures the same sequence on every start (for tests).
"""

import json
import random
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class State:
    def __init__(self, seed):
        self.lock = threading.Lock()
        self.random = random.Random(seed)
        self.counts = {}
        self.flaky_failures = 0

    def count(self, route):
        with self.lock:
            self.counts[route] = self.counts.get(route, 0) + 1

    def flaky_fails(self):
        with self.lock:
            failed = self.random.random() < 0.3
            if failed:
                self.flaky_failures += 1
            return failed

    def stats(self):
        with self.lock:
            return {"requests": dict(self.counts), "flaky_failures": self.flaky_failures}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None
    verbose = False

    def handle_any(self):
        url = urlparse(self.path)
        # Read the body so keep-alive connections stay in step.
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        route = url.path
        if route == "/stats":
            self.reply(200, json.dumps(self.state.stats()), "application/json")
            return
        self.state.count(route)
        if route == "/ok":
            self.reply(200, "ok\n")
        elif route == "/flaky":
            if self.state.flaky_fails():
                self.reply(503, "busy, try again\n")
            else:
                self.reply(200, "ok\n")
        elif route == "/slow":
            try:
                ms = int(parse_qs(url.query).get("ms", ["300"])[0])
            except ValueError:
                self.reply(400, "ms must be a whole number\n")
                return
            time.sleep(max(0, min(ms, 60_000)) / 1000)
            self.reply(200, "slow ok\n")
        elif route == "/hook":
            self.reply(204, "")
        else:
            self.reply(404, "routes: /ok /flaky /slow /hook /stats\n")

    def reply(self, status, body, content_type="text/plain"):
        data = body.encode()
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != 204:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

    def log_message(self, format, *args):
        if self.verbose:
            super().log_message(format, *args)


def main(argv):
    port, seed, verbose = 8765, None, False
    args = iter(argv)
    for arg in args:
        if arg == "--seed":
            seed = int(next(args))
        elif arg == "--verbose":
            verbose = True
        else:
            port = int(arg)
    Handler.state = State(seed)
    Handler.verbose = verbose
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    # serve_forever runs on this (main) thread, so the handler raises out of it. A parent may have
    # started us with SIGTERM blocked (the mask is inherited), which would make us unstoppable.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
