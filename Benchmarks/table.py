#!/usr/bin/env python3
"""Prints run.sh's results as one Markdown table: scenario, median, min-max, ratio to the floor, budget, result.

Reads the hyperfine JSON exports and the extra facts (peak memory, receiver ceiling) that run.sh collected in a folder.
usage: table.py RESULTS_DIR
"""
import json
import os
import sys

out = sys.argv[1]


def timing(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        return None
    r = json.load(open(path))["results"][0]
    return {"median": r["median"], "min": r["min"], "max": r["max"], "mean": r["mean"]}


facts = {}
facts_path = os.path.join(out, "facts.txt")
if os.path.exists(facts_path):
    for line in open(facts_path):
        k, _, v = line.strip().partition("=")
        if k:
            facts[k] = float(v)


def fmt(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


floor = timing("floor")
rows = []


def row(label, name, budget, ok, extra=""):
    t = timing(name)
    if t is None:
        rows.append((label, "—", "—", "—", budget, "not run"))
        return
    ratio = f"{t['median'] / floor['median']:.1f}×" if floor else "—"
    verdict = "—" if ok is None else ("pass" if ok(t) else "FAIL")
    rows.append((label + extra, fmt(t["median"]), f"{fmt(t['min'])} – {fmt(t['max'])}", ratio, budget, verdict))


def mem(key):
    return facts.get(key)


def mib(key):
    v = mem(key)
    return f", peak {v:.0f} MiB" if v is not None else ""


row("`herald --version` (the floor)", "floor", "—", None)
row("plan bundled quarter (new database)", "plan-example", "≤ 3× floor",
    lambda t: floor and t["median"] <= 3 * floor["median"])
row("plan large: 200 channels, a year, stored", "plan-large", "< 3 s, < 400 MiB",
    lambda t: t["median"] < 3 and (mem("plan-large.peak") or 0) < 400, mib("plan-large.peak"))
base = timing("plan-1x")
for k in (1, 4, 16):
    budget = "16× input ≤ 20× time" if k == 16 else "—"
    ok = (lambda t: base and t["median"] <= 20 * base["median"]) if k == 16 else None
    extra = mib(f"plan-{k}x.peak")
    if base and k > 1 and timing(f"plan-{k}x"):
        extra += f"; {timing(f'plan-{k}x')['median'] / base['median']:.1f}× the 1× time"
        if mem(f"plan-{k}x.peak") and mem("plan-1x.peak"):
            extra += f", {mem(f'plan-{k}x.peak') / mem('plan-1x.peak'):.1f}× its memory"
    row(f"plan {k}× channels ({12 * k}), a year, stored", f"plan-{k}x", budget, ok, extra)
row("cron tick, 1,000,000 posts, nothing due", "cron-idle", "≤ 2× floor",
    lambda t: floor and t["median"] <= 2 * floor["median"])
row("cron tick, 1,000,000 posts, 100 due (outbox)", "cron-due", "—", None)
ceiling = mem("receiver.ceiling")
if ceiling:
    rows.append(("receiver's ceiling: nginx on 127.0.0.1, wrk -t1 -c32, POST ~1.1 kB", f"{ceiling:,.0f} req/s", "—", "—", "—", "—"))
compare = None
if os.path.exists(os.path.join(out, "burst-compare.json")):
    with open(os.path.join(out, "burst-compare.json")) as f:
        compare = json.load(f)
if timing("burst"):
    t = timing("burst")
    rate = 10000 / t["median"]
    extra = f": {rate:,.0f}/s"
    if ceiling:
        extra += f" = {rate / ceiling:.2f} of the receiver's {ceiling:,.0f}/s"
    row("burst: 10,000 webhook deliveries, durable", "burst", "< 10 s", lambda t: t["median"] < 10, extra)
else:
    row("burst: 10,000 webhook deliveries, durable", "burst", "< 10 s", None)
if compare:
    b, n = compare["baseline"], compare["this"]
    rows.append((f"burst side by side, interleaved ({len(n['times'])} runs each): baseline build",
                 fmt(b["median"]), f"{fmt(b['min'])} – {fmt(b['max'])}", "—", "—", "—"))
    rows.append((f"burst side by side: this build, {compare['ratio']:.2f}× the baseline",
                 fmt(n["median"]), f"{fmt(n['min'])} – {fmt(n['max'])}", "—", "≤ 1.3× baseline",
                 "pass" if compare["ratio"] <= 1.3 else "FAIL"))
flat = ""
if mem("export-ics-year.peak") and mem("export-ics-quarter.peak"):
    flat = f"; peak {mem('export-ics-quarter.peak'):.0f} MiB for a quarter, {mem('export-ics-year.peak'):.0f} MiB for the year"
row("export ICS, large year (~150k posts)", "export-ics", "< 2 s, flat memory",
    lambda t: t["median"] < 2 and (not mem("export-ics-year.peak") or mem("export-ics-year.peak") <= 1.25 * mem("export-ics-quarter.peak")),
    flat)
row("export HTML, large year", "export-html", "—", None, mib("export-html.peak"))
if mem("inbox-import-1m.time"):
    t1, t0 = mem("inbox-import-1m.time"), mem("inbox-import-100k.time")
    p1, p0 = mem("inbox-import-1m.peak"), mem("inbox-import-100k.peak")
    rate = 1_000_000 / t1
    ok = rate >= 50_000 and p1 <= 1.25 * p0 and mem("inbox-import-1m.exit") == 0
    rows.append((f"inbox import, 1,000,000 JSONL items, five languages: {rate:,.0f} items/s; peak {p1:.0f} MiB "
                 f"(100,000 items: {100_000 / t0:,.0f}/s, peak {p0:.0f} MiB)", fmt(t1), "one run", "—",
                 "≥ 50,000 items/s, flat memory", "pass" if ok else "FAIL"))
row("`herald inbox`, 1,000,000 open items", "inbox-list", "≤ 2× floor", lambda t: floor and t["median"] <= 2 * floor["median"])
if mem("endpoint.rate"):
    rate, p99 = mem("endpoint.rate"), mem("endpoint.p99")
    durable = mem("endpoint.stored") >= mem("endpoint.acked")
    rows.append((f"endpoint: 32 signed senders (wrk -c32), 20 s: {rate:,.0f} items/s acknowledged, p50 {mem('endpoint.p50'):.1f} ms, "
                 f"{mem('endpoint.acked'):,.0f} acknowledged, {mem('endpoint.stored'):,.0f} stored", f"p99 {p99:.1f} ms", "—", "—",
                 "≥ 1,000 items/s, p99 < 100 ms", "pass" if rate >= 1000 and p99 < 100 and durable else "FAIL"))

print("| scenario | median | min – max | × floor | budget | result |")
print("|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
