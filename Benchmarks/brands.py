#!/usr/bin/env python3
"""Brand-sized quarters beside the bundled example: is any brand's quarter slower per post than 5x the example's?

    python3 Benchmarks/brands.py HERALD [WORK] [--runs N]

Writes deterministic generated strategies (2-6 channels, 1-7 posts a week, campaigns overlapping on each channel; the
last one carries two campaigns at once on every channel all quarter: "two campaigns per row"), plans 2027-Q1 for
each and for the bundled example (Templates/strategy.yaml) on a new database, N runs each, and prints per strategy the
median time, posts planned, time per post and the ratio to the example's time per post (budget: at most 5x).
"""
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NETWORKS = ["facebook", "instagram", "linkedin", "mastodon", "bluesky", "threads"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def strategy(seed, two_per_row=False):
    r = random.Random(seed)
    n_channels = 6 if two_per_row else r.randint(2, 6)
    channels, ids = [], []
    for i in range(n_channels):
        cid = f"ch{i + 1}"
        ids.append(cid)
        per_week = r.randint(2, 7)
        days = sorted(r.sample(range(7), r.randint(max(3, per_week), 7)))
        times = sorted(r.sample(["08:00", "09:30", "12:00", "15:00", "17:30", "19:00"], r.randint(1, 3)))
        channels.append(
            f"  - {{id: {cid}, network: {NETWORKS[i % len(NETWORKS)]}, posts_per_week: {per_week}, "
            f"days: [{', '.join(DAYS[d] for d in days)}], times: [{', '.join(repr(t).replace(chr(39), chr(34)) for t in times)}], "
            f"goals: [awareness, community, sales]}}")
    people = []
    for p in range(r.randint(2, 5)):
        covers = sorted(r.sample(ids, r.randint(1, len(ids))))
        people.append(f"  - {{id: p{p}, name: Person {p}, channels: [{', '.join(covers)}], "
                      f"capacity_per_week: {r.randint(3, 12)}, trained: true, rules_accepted: true}}")
    campaigns = []
    if two_per_row:
        # Every fortnight a contest and a discount on every channel, overlapping.
        for k in range(6):
            start = 4 + 14 * k
            campaigns.append(("contest", start, start + 9, ids))
            campaigns.append(("discount", start + 3, start + 11, ids))
    else:
        for k in range(r.randint(2, 8)):
            start = r.randint(0, 80)
            campaigns.append((r.choice(["contest", "discount"]), start, start + r.randint(4, 13),
                              sorted(r.sample(ids, r.randint(1, len(ids))))))
    lines = []
    for k, (kind, a, b, on) in enumerate(campaigns):
        import datetime
        d0 = datetime.date(2027, 1, 1)
        s, e = d0 + datetime.timedelta(days=a), d0 + datetime.timedelta(days=min(b, 89))
        extra = "prize: A mug" if kind == "contest" else "code: SAVE, percent: 10"
        goal = "community" if kind == "contest" else "sales"
        lines.append(f"  - {{id: {kind[0]}{k}, kind: {kind}, name: Campaign {k}, start: {s}, end: {e}, goal: {goal}, "
                     f"channels: [{', '.join(on)}], {extra}}}")
    spacing = "0" if two_per_row else str(r.choice([0, 0, 7]))
    return f"""brand: {{name: Brand {seed}, link: "https://brand{seed}.example/"}}
timezone: Europe/Warsaw
locale: en
goals:
  - {{id: awareness, title: Be known, kind: awareness, owner: p0}}
  - {{id: community, title: Talk, kind: engagement, owner: p0}}
  - {{id: sales, title: Sell, kind: sales, owner: p0}}
channels:
{chr(10).join(channels)}
mix: {{informational: 0.4, engagement: 0.3, social-proof: 0.1, contest: 0.1, discount: 0.1}}
rules: {{min_days_between_contests: {spacing}, min_days_between_discounts: {spacing}, max_promotional_in_a_row: {r.choice([1, 2])}}}
participants:
{chr(10).join(people)}
campaigns:
{chr(10).join(lines)}
"""


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = 7
    if "--runs" in sys.argv:
        runs = int(sys.argv[sys.argv.index("--runs") + 1])
        args = [a for a in args if a != str(runs)]
    herald = os.path.abspath(args[0])
    work = args[1] if len(args) > 1 else tempfile.mkdtemp(prefix="herald-brands.")
    cases = [("example", open(os.path.join(ROOT, "Templates/strategy.yaml")).read())]
    cases += [(f"brand-{s}", strategy(s)) for s in range(1, 13)]
    cases.append(("two-per-row", strategy(99, two_per_row=True)))
    env = dict(os.environ, NO_COLOR="1")
    rows = []
    for name, text in cases:
        # A generated strategy whose rules cannot all be met (campaigns too close for its spacing) is listed and skipped.
        folder = os.path.join(work, name)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "strategy.yaml")
        with open(path, "w") as f:
            f.write(text)
        db = os.path.join(folder, "herald.sqlite")
        times, out = [], ""
        for _ in range(runs):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            t = time.perf_counter()
            p = subprocess.run([herald, "plan", "2027-Q1", "--strategy", path, "--db", db, "--now", "2026-12-01T00:00:00Z"],
                               capture_output=True, text=True, env=env)
            times.append(time.perf_counter() - t)
            out = p.stdout + p.stderr
            if p.returncode != 0:
                break
        if p.returncode != 0:
            print(f"{name}: skipped, exit {p.returncode}: {out.strip().splitlines()[-1][:160]}", file=sys.stderr)
            continue
        m = re.search(r": (\d[\d,]*) posts on", out)
        posts = int(m.group(1).replace(",", "")) if m else 0
        rows.append((name, statistics.median(times), posts))
    base = rows[0][1] / max(rows[0][2], 1)
    print(f"{'strategy':<12} {'median':>9} {'posts':>6} {'per post':>10} {'x example':>10}")
    for name, med, posts in rows:
        per = med / max(posts, 1)
        print(f"{name:<12} {med * 1000:>7.1f}ms {posts:>6} {per * 1e6:>8.0f}µs {per / base:>9.2f}x")
    print(json.dumps({"work": work, "worst": max(r[1] / max(r[2], 1) for r in rows) / base}))


if __name__ == "__main__":
    main()
