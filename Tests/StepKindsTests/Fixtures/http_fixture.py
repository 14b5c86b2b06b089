#!/usr/bin/env python3
"""A tiny HTTP server for StepKindsTests.

Listens on 127.0.0.1, port 0 (the kernel picks a free one), prints `PORT <n>` on its first line,
and exits when its stdin reaches EOF, so it never outlives the test process that started it.

Routes (any method):
  /ok                 200 "ok"
  /fail-then-ok/<key> 500 on the first request for <key>, 200 afterwards
  /slow/<seconds>     sleeps, then 200
  /status/<n>         status n, body "status <n> body"
  /hold/<key>/<secs>  sleeps, counting requests in flight for <key>; 200
  /max/<key>          200, body: the most /hold/<key> requests ever in flight at once
  /echo               200, body: the method, the request body, then each header "name: value", a line each
  /json/...           200, a JSON object: "method", "path" (as received, still percent-encoded),
                      "body" (the request body parsed as JSON, or its text), "headers" (lower-case names)
  /bytes/<n>          200, n bytes of "x" (text/plain)
"""
import json
import http.server
import os
import sys
import threading
import time

seen_keys = set()
in_flight = {}
max_in_flight = {}
seen_lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle on, keep-alive requests wait ~40 ms for
    # the client's delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass

    def reply(self, status, body):
        data = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode(errors="replace") if length else ""
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if parts == ["ok"]:
            return self.reply(200, "ok")
        if len(parts) == 2 and parts[0] == "fail-then-ok":
            with seen_lock:
                first = parts[1] not in seen_keys
                seen_keys.add(parts[1])
            return self.reply(500, "first attempt fails") if first else self.reply(200, "ok now")
        if len(parts) == 2 and parts[0] == "slow":
            time.sleep(float(parts[1]))
            return self.reply(200, "slow ok")
        if len(parts) == 2 and parts[0] == "status":
            n = int(parts[1])
            return self.reply(n, "status %d body" % n)
        if len(parts) == 3 and parts[0] == "hold":
            with seen_lock:
                in_flight[parts[1]] = in_flight.get(parts[1], 0) + 1
                max_in_flight[parts[1]] = max(max_in_flight.get(parts[1], 0), in_flight[parts[1]])
            time.sleep(float(parts[2]))
            with seen_lock:
                in_flight[parts[1]] -= 1
            return self.reply(200, "held")
        if len(parts) == 2 and parts[0] == "max":
            with seen_lock:
                return self.reply(200, str(max_in_flight.get(parts[1], 0)))
        if parts and parts[0] == "json":
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = body
            reply = {
                "method": self.command,
                "path": self.path,
                "body": parsed,
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }
            return self.reply(200, json.dumps(reply))
        if len(parts) == 2 and parts[0] == "bytes":
            return self.reply(200, "x" * int(parts[1]))
        if parts == ["echo"]:
            lines = [self.command, body] + ["%s: %s" % (k.lower(), v) for k, v in self.headers.items()]
            return self.reply(200, "\n".join(lines))
        return self.reply(404, "no route " + self.path)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any


def exit_on_stdin_eof():
    sys.stdin.read()
    os._exit(0)


class Server(http.server.ThreadingHTTPServer):
    # The default listen backlog of 5 drops connections when tests send requests in parallel.
    request_queue_size = 128


server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print("PORT %d" % server.server_address[1], flush=True)
threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
server.serve_forever()
