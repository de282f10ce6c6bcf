#!/usr/bin/env python3
"""A TCP receiver that answers HTTP requests with scripted raw bytes, for the wire-level tests of Herald's HTTP client.

Usage: raw_receiver.py LOG_FILE SCRIPT_JSON [--tls CERT_PEM KEY_PEM] [--host ADDRESS]
Prints "PORT <n>" once it listens on ADDRESS (127.0.0.1 by default; "::1" for IPv6), then serves until killed. With
--tls every connection is TLS (the handshake is made in the connection's own thread), for the https:// tests.

SCRIPT_JSON is a list used in order, one entry per request (across all connections); after it runs out the last entry
repeats. Each entry: {"raw": "<bytes to answer, \\r\\n written out>", "close": bool (close the connection after
answering), "drop": bool (close without answering), "hang": bool (never answer),
"fill": n (after "raw", n bytes of "x"), "fill_chunked": n (after "raw", n bytes of "x" as chunks of 64 KiB, then the
last chunk), "trickle": seconds (send the answer a byte at a time, this long between bytes)}.
Every request is appended to LOG_FILE as one JSON line: n, connection (1-based, in accept order), head, body.
"""
import json
import socket
import ssl
import sys
import threading
import time

log_path = sys.argv[1]
script = json.loads(sys.argv[2])
tls = None
host = "127.0.0.1"
args = sys.argv[3:]
while args:
    flag = args.pop(0)
    if flag == "--tls":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.pop(0), args.pop(0))
    elif flag == "--host":
        host = args.pop(0)
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


def answer(conn, entry):
    data = entry.get("raw", "").encode("utf-8")
    if entry.get("trickle"):
        for i in range(len(data)):
            conn.sendall(data[i:i + 1])
            time.sleep(entry["trickle"])
    else:
        conn.sendall(data)
    if entry.get("fill"):
        block = b"x" * 65536
        left = entry["fill"]
        while left > 0:
            conn.sendall(block[:min(left, len(block))])
            left -= len(block)
    if entry.get("fill_chunked"):
        left = entry["fill_chunked"]
        while left > 0:
            n = min(left, 65536)
            conn.sendall(b"%x\r\n" % n + b"x" * n + b"\r\n")
            left -= n
        conn.sendall(b"0\r\n\r\n")


def serve(conn, number):
    global count
    buf = b""
    try:
        if tls is not None:
            try:
                conn = tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                return
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
            try:
                answer(conn, entry)
            except OSError:
                return
            if entry.get("close"):
                return
    finally:
        conn.close()


server = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((host, 0))
server.listen(1024)
print(f"PORT {server.getsockname()[1]}", flush=True)
while True:
    conn, _ = server.accept()
    connections += 1
    threading.Thread(target=serve, args=(conn, connections), daemon=True).start()
