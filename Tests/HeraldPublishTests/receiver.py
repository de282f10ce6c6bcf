#!/usr/bin/env python3
"""A scriptable webhook receiver for Herald's publishing tests (real HTTP on 127.0.0.1).

Usage: receiver.py LOG_FILE [--script JSON] [--port N]
Prints "PORT <n>" on its first line of stdout once it listens, then serves until killed.

--announce prints "GOT <n>" on stdout as each request arrives (so a test can wait for the n-th without sleeping).
--script is a JSON list of responses used in order, one per request; after the list runs out the last
entry repeats. Each entry: {"status": 200, "json": {...}, "headers": {...}, "hang": seconds}.
Every request is appended to LOG_FILE as one JSON line: method, path, headers (lower-case keys), body (text),
received_at (unix seconds, float).
"""
import http.server
import json
import socketserver
import sys
import threading
import time

log_path = sys.argv[1]
script = [{"status": 200, "json": {"url": "https://social.example/p/1", "id": "remote-1"}}]
port = 0
announce = False
args = sys.argv[2:]
while args:
    flag = args.pop(0)
    if flag == "--script":
        script = json.loads(args.pop(0))
    elif flag == "--port":
        port = int(args.pop(0))
    elif flag == "--announce":
        announce = True

lock = threading.Lock()
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        with lock:
            n = count
            count += 1
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"method": "POST", "path": self.path,
                                    "headers": {k.lower(): v for k, v in self.headers.items()},
                                    "body": body, "received_at": time.time(), "n": n}) + "\n")
                f.flush()
            if announce:
                print(f"GOT {n + 1}", flush=True)
        entry = script[min(n, len(script) - 1)]
        if entry.get("hang"):
            time.sleep(entry["hang"])
        payload = json.dumps(entry.get("json", {})).encode()
        self.send_response(entry.get("status", 200))
        for k, v in entry.get("headers", {}).items():
            self.send_header(k, str(v))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except BrokenPipeError:
            pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's listen backlog is 5: a publisher opening its 32 connections at once (or 8 publishers at once)
    # overflows it, and the kernel drops connections a real receiver (nginx: 511) would have queued.
    request_queue_size = 1024


server = Server(("127.0.0.1", port), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
