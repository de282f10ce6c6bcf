#!/usr/bin/env python3
"""Load on the inbox endpoint: N concurrent senders, each on its own keep-alive HTTP/1.1 connection to 127.0.0.1,
POST one signed item (Standard Webhooks, the source's whsec_ secret) after another for S seconds. Prints one JSON
object: requests, 2xx, other statuses, items/s acknowledged, latency p50/p99/max in ms.

Bounded: it stops by itself after --seconds, and only ever talks to 127.0.0.1.

usage: endpoint_load.py --port P --secret whsec_… [--source social-listening] [--senders 32] [--seconds 20] [--out FILE]
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import threading
import time

TEXTS = ["Do you have oat milk?", "Czy macie mleko owsiane?", "Habt ihr Hafermilch?", "Hebben jullie havermelk?",
         "У вас есть овсяное молоко?", "My latte was cold again, not happy.", "Najlepsze ciasto w mieście!",
         "Eine halbe Stunde gewartet, nie wieder.", "Lekkerste koffie van de stad!", "Спасибо за отличный сервис 🙂"]
NETWORKS = ["instagram", "facebook", "mastodon"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--source", default="social-listening")
    ap.add_argument("--senders", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--prefix", default=f"load{int(time.time())}")
    ap.add_argument("--out")
    a = ap.parse_args()
    key = base64.b64decode(a.secret[len("whsec_"):])
    path = f"/inbox/{a.source}"
    lock = threading.Lock()
    latencies, statuses, acked = [], {}, []
    start = time.monotonic()
    deadline = start + a.seconds

    def sender(s):
        conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
        mine, my_status, my_acked = [], {}, []
        n = 0
        while time.monotonic() < deadline:
            item_id = f"{a.prefix}-{s}-{n}"
            created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
            body = json.dumps({"network": NETWORKS[n % 3], "id": item_id, "author": {"handle": f"@u{s}"},
                               "text": TEXTS[(s + n) % len(TEXTS)], "created_at": created}, ensure_ascii=False).encode()
            msg_id, ts = f"msg_{item_id}", str(int(time.time()))
            sig = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
            headers = {"content-type": "application/json", "webhook-id": msg_id, "webhook-timestamp": ts,
                       "webhook-signature": f"v1,{sig}"}
            t0 = time.monotonic()
            try:
                conn.request("POST", path, body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                status = r.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
                status = 0
            mine.append(time.monotonic() - t0)
            my_status[status] = my_status.get(status, 0) + 1
            if 200 <= status < 300:
                my_acked.append(item_id)
            n += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            acked.extend(my_acked)
            for k, v in my_status.items():
                statuses[k] = statuses.get(k, 0) + v

    threads = [threading.Thread(target=sender, args=(s,)) for s in range(a.senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0

    result = {"senders": a.senders, "seconds": round(elapsed, 2), "requests": len(latencies), "acknowledged": len(acked),
              "statuses": {str(k): v for k, v in sorted(statuses.items())},
              "items_per_s": round(len(acked) / elapsed, 1), "p50_ms": round(pct(0.50), 2), "p99_ms": round(pct(0.99), 2),
              "max_ms": round(latencies[-1] * 1000, 2) if latencies else 0, "prefix": a.prefix}
    text = json.dumps(result)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
