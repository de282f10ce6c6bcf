#!/usr/bin/env bash
# Herald's whole-process benchmarks: builds the release binary and the fixture generator, writes the synthetic inputs,
# times each scenario with hyperfine (and the webhook burst against a local nginx), and prints one table.
#
#   bash Benchmarks/run.sh            # everything (about 10 minutes on 2 cores, after the release builds)
#   QUICK=1 bash Benchmarks/run.sh    # fewer runs per scenario
#   WORK=/tmp/hb bash Benchmarks/run.sh   # keep the fixtures there (the 1M-post database is reused when present)
#   ONLY=burst bash Benchmarks/run.sh      # the webhook burst alone
#   ONLY=inbox bash Benchmarks/run.sh      # the inbox alone: import of 1,000,000 items, `herald inbox` on them, the
#                                          # intake endpoint under 32 signed senders (no herald-fixtures, nginx or wrk)
#   HERALD_BIN=/path/to/release/herald bash Benchmarks/run.sh   # use that binary instead of building one
#   BASELINE=/path/to/other/herald bash Benchmarks/run.sh
#                                     # also times the burst with another build of herald, the two interleaved
#
# Needs hyperfine, nginx and wrk (Debian: apt-get install -y hyperfine nginx wrk) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

missing=()
tools="hyperfine nginx wrk python3"; [ "${ONLY:-}" = inbox ] && tools="hyperfine wrk python3"
for tool in $tools; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "run.sh needs: ${missing[*]}. On Debian/Ubuntu: apt-get install -y hyperfine nginx wrk python3" >&2
  exit 69
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=${WORK:-$(mktemp -d /tmp/herald-bench.XXXXXX)}
OUT=$WORK/results
mkdir -p "$WORK" "$OUT"
: >"$OUT/facts.txt"
PORT=${PORT:-18080}
URL="http://127.0.0.1:$PORT/hook"
RUNS_FAST=${RUNS_FAST:-20}
RUNS_SLOW=${RUNS_SLOW:-5}
if [ -n "${QUICK:-}" ]; then RUNS_FAST=5; RUNS_SLOW=2; fi
NOW_PLAN=2026-12-01T00:00:00Z
export HERALD_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
export NO_COLOR=1

echo "== building (release)"
if [ -n "${HERALD_BIN:-}" ]; then HERALD=$HERALD_BIN; else  # HERALD_BIN=path: a release binary built already
swift build -c release --product herald >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
HERALD=$ROOT/.build/release/herald
fi
if [ "${ONLY:-}" != inbox ]; then
(cd Benchmarks && swift build -c release --product herald-fixtures >>"$OUT/build.log" 2>&1) || { tail -30 "$OUT/build.log"; exit 1; }
fi
FIX=$ROOT/Benchmarks/.build/release/herald-fixtures

if [ "${ONLY:-}" != inbox ]; then
echo "== fixtures in $WORK"
mkdir -p "$WORK/example"
cp Templates/strategy.yaml "$WORK/example/strategy.yaml"
"$FIX" strategy large "$WORK/large" --webhook-url "$URL"
S="$WORK/large/strategy.yaml"
for k in 1 4 16; do "$FIX" strategy "scaled-$k" "$WORK/scaled-$k"; done
if [ -z "${ONLY:-}" ] && [ ! -f "$WORK/cron.sqlite" ]; then
  echo "   writing 1,000,000 posts (once)…"
  "$FIX" cron-db "$WORK/cron.sqlite.tmp" --webhook-url "$URL" 2>/dev/null
  mv "$WORK/cron.sqlite.tmp" "$WORK/cron.sqlite"
fi
fi  # not ONLY=inbox

hf() { # name runs [hyperfine options…] -- command
  local name=$1 runs=$2; shift 2
  sync  # let the page cache write back what the previous scenario left, so it does not slow this one's fsyncs
  hyperfine --style none --runs "$runs" --export-json "$OUT/$name.json" "$@" >/dev/null
  echo "   $name: done"
}
peak() { # key [--prepare CMD] -- command: records the peak resident memory of one run
  local key=$1; shift
  local r; r=$(python3 Benchmarks/peak_rss.py "$@")
  echo "$key.peak=$(echo "$r" | cut -d' ' -f2)" >>"$OUT/facts.txt"
}

if [ -z "${ONLY:-}" ]; then
echo "== whole-process scenarios"
hf floor "$RUNS_FAST" --warmup 3 -N "$HERALD --version"

S="$WORK/example/strategy.yaml"; DB="$WORK/example/herald.sqlite"
hf plan-example "$RUNS_FAST" --warmup 2 --prepare "rm -f $DB $DB-wal $DB-shm" \
  "$HERALD plan 2027-Q1 --strategy $S --db $DB --now $NOW_PLAN"

S="$WORK/large/strategy.yaml"; DB="$WORK/large/herald.sqlite"
hf plan-large "$RUNS_SLOW" --prepare "rm -f $DB $DB-wal $DB-shm" "$HERALD plan --strategy $S --db $DB --now $NOW_PLAN"
rm -f "$DB" "$DB-wal" "$DB-shm"
peak plan-large -- "$HERALD" plan --strategy "$S" --db "$DB" --now "$NOW_PLAN"
# $DB now holds the large year's plan: the exports read it.

for k in 1 4 16; do
  S2="$WORK/scaled-$k/strategy.yaml"; DB2="$WORK/scaled-$k/herald.sqlite"
  hf "plan-${k}x" "$RUNS_SLOW" --prepare "rm -f $DB2 $DB2-wal $DB2-shm" "$HERALD plan --strategy $S2 --db $DB2 --now $NOW_PLAN"
  rm -f "$DB2" "$DB2-wal" "$DB2-shm"
  peak "plan-${k}x" -- "$HERALD" plan --strategy "$S2" --db "$DB2" --now "$NOW_PLAN"
done

hf export-ics "$RUNS_SLOW" --warmup 1 "$HERALD export 2027 --format ics --strategy $S --db $DB -o $WORK/large.ics"
peak export-ics-year -- "$HERALD" export 2027 --format ics --strategy "$S" --db "$DB" -o "$WORK/large.ics"
peak export-ics-quarter -- "$HERALD" export 2027-Q1 --format ics --strategy "$S" --db "$DB" -o "$WORK/large-q1.ics"
hf export-html "$RUNS_SLOW" --warmup 1 "$HERALD export 2027 --format html --strategy $S --db $DB -o $WORK/large.html"
peak export-html -- "$HERALD" export 2027 --format html --strategy "$S" --db "$DB" -o "$WORK/large.html"

CRON="$WORK/cron.sqlite"
"$FIX" reset-due "$CRON" --outbox "$WORK/large/outbox" --webhook-url "$URL"
hf cron-idle "$RUNS_FAST" --warmup 2 "$HERALD publish --strategy $S --db $CRON --now 2027-06-01T09:00:00Z"
hf cron-due "$RUNS_FAST" --warmup 1 --prepare "$FIX reset-due $CRON --outbox $WORK/large/outbox --webhook-url $URL" \
  "$HERALD publish --strategy $S --db $CRON --now 2027-06-01T09:10:00Z"
fi  # ONLY

if [ -z "${ONLY:-}" ] || [ "${ONLY:-}" = burst ]; then
echo "== burst: nginx on 127.0.0.1:$PORT as the webhook receiver"
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$PORT;
    default_type application/json;
    location / { return 200 '{}'; }
  }
}
EOF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
trap '[ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true' EXIT
sleep 0.5
# The receiver's own ceiling: POSTs of a delivery's size, 32 connections (the publisher's concurrency), 5 seconds.
BODY=$(python3 -c "print('{\"type\":\"post.publish\",\"text\":\"' + 'x' * 1100 + '\"}')")
cat >"$WORK/nginx/post.lua" <<EOF
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
EOF
wrk -t1 -c32 -d5s -s "$WORK/nginx/post.lua" "$URL" >"$OUT/wrk.txt"
CEILING=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")
echo "receiver.ceiling=$CEILING" >>"$OUT/facts.txt"
echo "   receiver ceiling: $CEILING requests/s"

BURST="$WORK/burst.sqlite"
hf burst "$RUNS_SLOW" --prepare "$FIX burst-db $BURST --webhook-url $URL" \
  "$HERALD publish --strategy $S --db $BURST --now 2027-03-01T10:00:30Z"
"$FIX" burst-db "$BURST" --webhook-url "$URL"
"$HERALD" publish --strategy "$S" --db "$BURST" --now 2027-03-01T10:00:30Z >"$OUT/burst-check.txt"
echo "   last burst: $(cat "$OUT/burst-check.txt")"
if [ -n "${BASELINE:-}" ]; then
  echo "== burst side by side: $BASELINE (baseline) and $HERALD, interleaved"
  python3 Benchmarks/interleave.py --runs "${RUNS_COMPARE:-10}" --prepare "$FIX burst-db $BURST --webhook-url $URL" \
    --out "$OUT/burst-compare.json" -- \
    "baseline=$BASELINE publish --strategy $S --db $BURST --now 2027-03-01T10:00:30Z" \
    "this=$HERALD publish --strategy $S --db $BURST --now 2027-03-01T10:00:30Z"
fi
fi  # burst

if [ -z "${ONLY:-}" ] || [ "${ONLY:-}" = inbox ]; then
echo "== inbox: import of 1,000,000 items (five languages), herald inbox on them, the endpoint under load"
IN="$WORK/inbox"; mkdir -p "$IN"
cp Templates/strategy.yaml "$IN/strategy.yaml"
NOW_INBOX=2027-01-09T12:00:00Z
[ -f "$IN/items-1m.jsonl" ] || python3 Benchmarks/inbox_items.py "$IN/items-1m.jsonl" --count 1000000 --before "$NOW_INBOX"
[ -f "$IN/items-100k.jsonl" ] || python3 Benchmarks/inbox_items.py "$IN/items-100k.jsonl" --count 100000 --before "$NOW_INBOX" --prefix small
[ -f "$OUT/floor.json" ] || hf floor "$RUNS_FAST" --warmup 3 -N "$HERALD --version"
DBI="$IN/inbox.sqlite"
# (b) Import and sort: wall time and peak memory of one run each, 100,000 and 1,000,000 items (memory flat: the two peaks).
for n in 100k 1m; do
  r=$(python3 Benchmarks/peak_rss.py --prepare "rm -f $DBI $DBI-wal $DBI-shm" -- \
      "$HERALD" inbox import "$IN/items-$n.jsonl" --strategy "$IN/strategy.yaml" --db "$DBI" --now "$NOW_INBOX")
  echo "inbox-import-$n.time=$(echo "$r" | cut -d' ' -f1)" >>"$OUT/facts.txt"
  echo "inbox-import-$n.peak=$(echo "$r" | cut -d' ' -f2)" >>"$OUT/facts.txt"
  echo "inbox-import-$n.exit=$(echo "$r" | cut -d' ' -f3)" >>"$OUT/facts.txt"
  echo "   import $n: $r (seconds, peak MiB, exit)"
done
# (c) `herald inbox` (open items, overdue first) on the 1,000,000 items just imported, against the floor.
hf inbox-list "$RUNS_SLOW" --warmup 1 "$HERALD inbox --strategy $IN/strategy.yaml --db $DBI --now $NOW_INBOX"
# (a) The endpoint: herald run --listen on a fresh database; wrk with 32 connections (the 32 concurrent senders) for
# 20 s, each request a new item signed just before (Benchmarks/endpoint_requests.py writes them and wrk's script);
# then every acknowledged item must be in the database.
DBE="$IN/endpoint.sqlite"; rm -f "$DBE" "$DBE-wal" "$DBE-shm"
export HERALD_SOURCE_SECRET=$HERALD_WEBHOOK_SECRET
python3 Benchmarks/endpoint_requests.py "$IN/wrk" --secret "$HERALD_SOURCE_SECRET" --count 100000
"$HERALD" run --listen 127.0.0.1:0 --interval 3600 --strategy "$IN/strategy.yaml" --db "$DBE" >"$IN/run.out" 2>"$IN/run.err" &
RUN_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$IN/run.out" && break; sleep 0.1; done
EP_PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$IN/run.out" | grep -o '[0-9]*$')
wrk -t1 -c32 -d"${ENDPOINT_SECONDS:-20}"s --latency -s "$IN/wrk/send.lua" "http://127.0.0.1:$EP_PORT/inbox/social-listening" \
  >"$OUT/endpoint-wrk.txt"
kill -TERM "$RUN_PID"; wait "$RUN_PID" || true
python3 - "$DBE" "$OUT/endpoint-wrk.txt" >>"$OUT/facts.txt" <<'PY'
import re, sqlite3, sys
w = open(sys.argv[2]).read()
def ms(label):
    m = re.search(label + r"\s+([\d.]+)(us|ms|s)\b", w)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else -1
done = int(re.search(r"(\d+) requests in ([\d.]+)s", w).group(1))
secs = float(re.search(r"(\d+) requests in ([\d.]+)s", w).group(2))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", w)
bad = int(bad.group(1)) if bad else 0
n = sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM inbox_item").fetchone()[0]
print(f"endpoint.rate={(done - bad) / secs:.1f}\nendpoint.p99={ms('99%')}\nendpoint.p50={ms('50%')}")
print(f"endpoint.acked={done - bad}\nendpoint.stored={n}\nendpoint.requests={done}")
PY
echo "   endpoint: $(grep -E 'Requests/sec|99%|Non-2xx' "$OUT/endpoint-wrk.txt" | tr -s ' ' | tr '\n' ' ')"
fi  # inbox

echo
echo "Herald benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, $(swift --version 2>/dev/null | head -1)"
echo
python3 Benchmarks/table.py "$OUT"
echo
echo "Raw results (hyperfine JSON, wrk output, peak memory): $OUT"
