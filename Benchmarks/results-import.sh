#!/usr/bin/env bash
# Importing per-post results: times `herald results import` of N snapshots (default 1,000,000) into the planned
# example, every post marked published first. Target: ≥ 100,000 rows/s (release build).
#
#   bash Benchmarks/results-import.sh            # 1,000,000 rows
#   ROWS=100000 bash Benchmarks/results-import.sh
#   HERALD=/path/to/herald bash Benchmarks/results-import.sh   # a binary already built
#
# Needs python3 (its sqlite3 module marks the posts published, as the publisher would leave them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
WORK=${WORK:-$(mktemp -d /tmp/herald-results-bench.XXXXXX)}
if [ -z "${HERALD:-}" ]; then
  swift build -c release --product herald >&2
  HERALD=$PWD/.build/release/herald
fi
cp Templates/strategy.yaml "$WORK/strategy.yaml"
cd "$WORK"
"$HERALD" plan 2027-Q1 --now 2026-12-01T00:00:00Z >/dev/null 2>&1
python3 - "$ROWS" <<'PY'
import sqlite3, sys, datetime
rows = int(sys.argv[1])
db = sqlite3.connect("herald.sqlite")
ids = [r[0] for r in db.execute("SELECT id FROM post ORDER BY scheduled_at, id")]
db.execute("UPDATE post SET status = 'published'")
db.commit()
per = -(-rows // len(ids))
start = datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc)
with open("results.csv", "w") as f:
    f.write("post_id,captured_at,impressions,reach,reactions,comments,shares,link_clicks\n")
    n = 0
    for k in range(per):
        at = (start + datetime.timedelta(minutes=k)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for i, pid in enumerate(ids):
            if n == rows: break
            f.write(f"{pid},{at},{1000 + k},{800 + k},{i % 50},{i % 7},{i % 5},{k % 30}\n")
            n += 1
print(f"{rows} rows for {len(ids)} posts", file=sys.stderr)
PY
/usr/bin/time -v "$HERALD" results import results.csv --now 2027-04-02T09:00:00Z 2>time.txt | tail -1
secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' time.txt)
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' time.txt)
python3 -c "import sys; r=$ROWS; s=float('$secs'); print(f'{r} rows in {s:.2f} s: {r/s:,.0f} rows/s; peak RSS {int($rss)//1024} MiB')"
