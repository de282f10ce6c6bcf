#!/usr/bin/env python3
"""Writes N signed inbox requests (Standard Webhooks, the source's whsec_ secret, signed now: valid for 5 minutes) as
tab-separated lines `webhook-id, webhook-timestamp, webhook-signature, body`, and the wrk script that sends them in turn,
one per request, so wrk can load the endpoint without signing anything itself.

usage: endpoint_requests.py DIR --secret whsec_… [--count 200000] [--source social-listening]
       then: wrk -t1 -c32 -d20s --latency -s DIR/send.lua http://127.0.0.1:PORT/inbox/social-listening
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import time

TEXTS = ["Do you have oat milk?", "Czy macie mleko owsiane?", "Habt ihr Hafermilch?", "Hebben jullie havermelk?",
         "У вас есть овсяное молоко?", "My latte was cold again, not happy.", "Najlepsze ciasto w mieście!",
         "Eine halbe Stunde gewartet, nie wieder.", "Lekkerste koffie van de stad!", "Спасибо за отличный сервис 🙂"]
NETWORKS = ["instagram", "facebook", "mastodon"]

LUA = r'''
local lines = {}
for line in io.lines("%s") do lines[#lines + 1] = line end
local i = 0
request = function()
  i = i + 1
  if i > #lines then i = 1 end
  local id, ts, sig, body = lines[i]:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)")
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["webhook-id"] = id,
                                  ["webhook-timestamp"] = ts, ["webhook-signature"] = sig}, body)
end
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--secret", required=True)
    ap.add_argument("--count", type=int, default=200_000)
    ap.add_argument("--prefix", default=f"wrk{int(time.time())}")
    a = ap.parse_args()
    key = base64.b64decode(a.secret[len("whsec_"):])
    os.makedirs(a.dir, exist_ok=True)
    path = os.path.join(a.dir, "requests.tsv")
    ts = str(int(time.time()))
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
    with open(path, "w", encoding="utf-8") as f:
        for n in range(a.count):
            item_id = f"{a.prefix}-{n}"
            body = json.dumps({"network": NETWORKS[n % 3], "id": item_id, "author": {"handle": f"@u{n % 997}"},
                               "text": TEXTS[n % len(TEXTS)], "created_at": created}, ensure_ascii=False)
            msg_id = f"msg_{item_id}"
            sig = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()).decode()
            f.write(f"{msg_id}\t{ts}\tv1,{sig}\t{body}\n")
    with open(os.path.join(a.dir, "send.lua"), "w") as f:
        f.write(LUA % path)


if __name__ == "__main__":
    main()
