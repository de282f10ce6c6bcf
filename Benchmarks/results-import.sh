#!/usr/bin/env bash
# Importing per-post results: times `herald results import` of N snapshots (default 1,000,000, by post id) into the
# 1,000,000-post database of `herald-fixtures cron-db` (666,600 of its posts published, with their deliveries), and
# records the peak memory at N and at N/10: it must not grow with the file. Budget: ≥ 100,000 rows/s, flat memory.
# Then times `herald report` for the large strategy's year (~150k posts) with a snapshot for each published post
# (budget < 3 s). Medians of hyperfine runs, with the floor (`herald --version`) and the load measured in the same run.
#
#   bash Benchmarks/results-import.sh
#   ROWS=100000 RUNS=2 bash Benchmarks/results-import.sh
#   HERALD=/path/to/herald FIX=/path/to/herald-fixtures WORK=/tmp/hr bash Benchmarks/results-import.sh
#   ONLY=import|report bash Benchmarks/results-import.sh
#
# Needs hyperfine and python3 (its sqlite3 module reads the fixture's posts to write the results files).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
WORK=${WORK:-$(mktemp -d /tmp/herald-results-bench.XXXXXX)}
mkdir -p "$WORK"
if [ -z "${HERALD:-}" ]; then
  swift build -c release --product herald >&2
  HERALD=$ROOT/.build/release/herald
fi
if [ -z "${FIX:-}" ]; then
  (cd Benchmarks && swift build -c release --product herald-fixtures >&2)
  FIX=$ROOT/Benchmarks/.build/release/herald-fixtures
fi
[ -f "$WORK/large/strategy.yaml" ] || "$FIX" strategy large "$WORK/large"
[ -f "$WORK/cron.sqlite" ] || "$FIX" cron-db "$WORK/cron.sqlite" 2>/dev/null
S=$WORK/large/strategy.yaml
NOW=2027-06-10T00:00:00Z
median() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(' '.join(f\"{x['command']}={x['median']:.3f}\" for x in r))" "$1"; }
echo "load: $(uptime)"
hyperfine --style none --runs 20 --warmup 3 --export-json "$WORK/floor.json" -n floor "$HERALD --version" >/dev/null
echo "floor (s): $(median "$WORK/floor.json")"

if [ "${ONLY:-import}" = import ]; then
# Snapshots of the published posts, by post id: each post a day after it went out, then two days, … until N rows,
# in capture order (a network's export lists a day's posts together).
python3 - "$WORK" "$ROWS" <<'PY'
import sqlite3, sys
work, rows = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(f"{work}/cron.sqlite")
posts = db.execute("SELECT id, scheduled_at FROM post WHERE status = 'published' ORDER BY scheduled_at, id").fetchall()
import datetime
def iso(t): return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
for n, name in ((rows, "results.csv"), (rows // 10, "results-tenth.csv")):
    with open(f"{work}/{name}", "w") as f:
        f.write("post_id,captured_at,impressions,reach,reactions,comments,shares,link_clicks\n")
        written, day = 0, 1
        while written < n:
            for i, (pid, at) in enumerate(posts):
                if written == n: break
                f.write(f"{pid},{iso(at + day * 86400)},{1000 + day * 10 + i % 97},{800 + day * 7 + i % 89},{i % 50},{i % 7},{i % 5},{i % 30}\n")
                written += 1
            day += 1
print(f"{rows} and {rows // 10} rows over {len(posts)} published posts", file=sys.stderr)
PY
RUN=$WORK/run.sqlite
FRESH="cp $WORK/cron.sqlite $RUN && rm -f $RUN-wal $RUN-shm"
IMPORT="$HERALD results import $WORK/results.csv --strategy $S --db $RUN --now $NOW"
sync
hyperfine --style none --runs "$RUNS" --prepare "$FRESH" --export-json "$WORK/import.json" -n import "$IMPORT" >/dev/null
secs=$(python3 -c "import json; print(json.load(open('$WORK/import.json'))['results'][0]['median'])")
peak=$(python3 Benchmarks/peak_rss.py --prepare "$FRESH" -- $IMPORT | cut -d' ' -f2)
peak10=$(python3 Benchmarks/peak_rss.py --prepare "$FRESH" -- $HERALD results import "$WORK/results-tenth.csv" --strategy "$S" --db "$RUN" --now "$NOW" | cut -d' ' -f2)
sh -c "$FRESH" && $IMPORT | tail -1
python3 -c "r=$ROWS; s=$secs; print(f'import {r:,} rows: median {s:.2f} s = {r/s:,.0f} rows/s; peak {float(\"$peak\"):.0f} MiB ({r//10:,} rows: {float(\"$peak10\"):.0f} MiB)')"
fi

if [ "${ONLY:-report}" = report ]; then
# The large strategy's year, planned; the posts before 2027-10-01 marked published as the publisher leaves them, each
# with one snapshot, so the report's "What worked", goals from posts.* and campaign spend have their data.
R=$WORK/report
mkdir -p "$R"
if [ ! -f "$R/herald.sqlite" ]; then
  "$HERALD" plan --strategy "$S" --db "$R/herald.sqlite" --now 2026-12-01T00:00:00Z >/dev/null
  python3 - "$R" <<'PY'
import sqlite3, sys, datetime
r = sys.argv[1]
db = sqlite3.connect(f"{r}/herald.sqlite")
cut = int(datetime.datetime(2027, 10, 1, tzinfo=datetime.timezone.utc).timestamp())
db.execute("UPDATE post SET status = 'published' WHERE scheduled_at < ?", (cut,))
db.commit()
posts = db.execute("SELECT id, scheduled_at FROM post WHERE status = 'published' ORDER BY scheduled_at, id").fetchall()
def iso(t): return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
with open(f"{r}/results.csv", "w") as f:
    f.write("post_id,captured_at,impressions,reach,reactions,comments,shares,link_clicks,conversions,revenue\n")
    for i, (pid, at) in enumerate(posts):
        f.write(f"{pid},{iso(at + 86400)},{1000 + i % 997},{800 + i % 891},{i % 50},{i % 7},{i % 5},{i % 30},{i % 3},{(i % 11) * 2.5}\n")
print(f"{len(posts)} published posts with a snapshot each", file=sys.stderr)
PY
  "$HERALD" results import "$R/results.csv" --strategy "$S" --db "$R/herald.sqlite" --now 2027-12-31T00:00:00Z | tail -1
fi
REPORT="$HERALD report 2027 --strategy $S --db $R/herald.sqlite --now 2027-12-31T00:00:00Z -o $R/report.html"
hyperfine --style none --runs "$RUNS" --warmup 1 --export-json "$WORK/report.json" -n report "$REPORT" >/dev/null
echo "report (s): $(median "$WORK/report.json"); peak $(python3 Benchmarks/peak_rss.py -- $REPORT | cut -d' ' -f2) MiB"
fi
echo "load: $(uptime)"
