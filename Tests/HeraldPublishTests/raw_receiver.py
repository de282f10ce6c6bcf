#!/usr/bin/env python3
"""A TCP receiver that answers HTTP requests with scripted raw bytes, for the wire-level tests of Herald's HTTP client.

Usage: raw_receiver.py LOG_FILE SCRIPT_JSON
Prints "PORT <n>" once it listens on 127.0.0.1, then serves until killed.

SCRIPT_JSON is a list used in order, one entry per request (across all connections); after it runs out the last entry
repeats. Each entry: {"raw": "<bytes to answer, \\r\\n written out>", "close": bool (close the connection after
answering), "drop": bool (close without answering), "hang": bool (never answer)}.
Every request is appended to LOG_FILE as one JSON line: n, connection (1-based, in accept order), head, body.
"""
import json
import socket
import sys
import threading

log_path = sys.argv[1]
script = json.loads(sys.argv[2])
lock = threading.Lock()
count = 0
connections = 0


def read_request(conn, buf):
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            return None, buf
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        rest += chunk
    return (head.decode("utf-8", "replace"), rest[:length].decode("utf-8", "replace")), rest[length:]


def serve(conn, number):
    global count
    buf = b""
    try:
        while True:
            request, buf = read_request(conn, buf)
            if request is None:
                return
            with lock:
                n = count
                count += 1
                with open(log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"n": n, "connection": number, "head": request[0], "body": request[1]}) + "\n")
            entry = script[min(n, len(script) - 1)]
            if entry.get("hang"):
                threading.Event().wait()
            if entry.get("drop"):
                return
            conn.sendall(entry.get("raw", "").encode("utf-8"))
            if entry.get("close"):
                return
    finally:
        conn.close()


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(1024)
print(f"PORT {server.getsockname()[1]}", flush=True)
while True:
    conn, _ = server.accept()
    connections += 1
    threading.Thread(target=serve, args=(conn, connections), daemon=True).start()
