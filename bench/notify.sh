#!/usr/bin/env bash
# Notifications under load, in one command from the repository root:
#
#   bench/notify.sh
#
# Starts the tests' SMTP server (aiosmtpd, tests/support/smtp_sink.py) and a
# release natter whose site emails a moderator about every new comment, then
# posts new comments with wrk (bench/post.lua) and measures: comments
# accepted per second while each also queues an email, how long the outbox
# takes to deliver every email after the load ends, and emails delivered per
# second overall. All on 127.0.0.1.
#
# Settings (environment): BENCH_DURATION (default 10s), BENCH_CONNECTIONS
# (default 16), BENCH_SKIP_BUILD=1 to use the binary already built,
# CARGO_TARGET_DIR (default target).

set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-16}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN="$CARGO_TARGET_DIR/release/natter"

die() { echo "bench/notify.sh: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
python3 -c 'import aiosmtpd' 2>/dev/null || die "aiosmtpd is missing: python3 -m pip install aiosmtpd==1.4.6"
[ "${BENCH_SKIP_BUILD:-}" = 1 ] || cargo build --release --quiet
[ -x "$BIN" ] || die "no binary at $BIN"

W=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT

SMTP_SINK_BRIEF=1 python3 tests/support/smtp_sink.py 0 >"$W/mails.jsonl" &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q '^READY' "$W/mails.jsonl" 2>/dev/null && break; sleep 0.1; done
SMTP_PORT=$(sed -n 's/^READY \([0-9]*\)/\1/p' "$W/mails.jsonl")
[ -n "$SMTP_PORT" ] || die "the SMTP server did not start"

cat >"$W/natter.toml" <<TOML
[[site]]
id = "bench"
origins = ["https://blog.example.org"]
moderator_emails = ["mod@example.org"]

[rate_limit]
enabled = false

[spam]
min_seconds = 0

[smtp]
host = "127.0.0.1"
port = $SMTP_PORT
tls = "none"
from = "Comments <comments@example.org>"
TOML

"$BIN" serve --config "$W/natter.toml" --listen 127.0.0.1:0 --database "$W/natter.db" \
    >"$W/stdout.log" 2>"$W/stderr.log" &
NATTER_PID=$!
PIDS+=($NATTER_PID)
URL=""
for _ in $(seq 1 100); do
    URL=$(sed -n 's|^natter listening on \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' "$W/stdout.log")
    [ -n "$URL" ] && break
    sleep 0.1
done
[ -n "$URL" ] || { cat "$W/stderr.log" >&2; die "natter did not start"; }

mails() { echo $(($(wc -l <"$W/mails.jsonl") - 1)); }

START=$(date +%s.%N)
wrk -t2 -c"$CONNS" -d"$DURATION" --timeout 5s --latency -s bench/post.lua "$URL" -- notify >"$W/wrk.txt" 2>&1
LOAD_END=$(date +%s.%N)
LINE=$(grep '^BENCH ' "$W/wrk.txt") || { cat "$W/wrk.txt" >&2; die "wrk printed no result"; }
CREATED=$(sed -n 's/.* created=\([0-9]*\).*/\1/p' <<<"$LINE")
AT_END=$(mails)
# The emails of comments wrk saw created; the outbox count below includes
# any whose answer was still in flight when wrk stopped.
while [ "$(mails)" -lt "$CREATED" ]; do
    sleep 0.1
    kill -0 "$NATTER_PID" 2>/dev/null || die "natter stopped"
done
DONE=$(date +%s.%N)
sleep 2
FINAL=$(mails)
UNIQUE=$(tail -n +2 "$W/mails.jsonl" | python3 -c 'import json,sys; print(len({json.loads(l)["message_id"] for l in sys.stdin}))')
QUEUED=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from outbox").fetchone()[0])' "$W/natter.db")
RSS=$(awk '/VmRSS/ {print $2}' "/proc/$NATTER_PID/status")

python3 - "$LINE" "$START" "$LOAD_END" "$DONE" "$AT_END" "$FINAL" "$RSS" "$CONNS" "$UNIQUE" "$QUEUED" <<'PY'
import sys
line, start, load_end, done, at_end, final, rss, conns, unique, queued = sys.argv[1:]
f = dict(kv.split("=") for kv in line.split()[1:])
start, load_end, done = float(start), float(load_end), float(done)
created = int(f["created"])
print(f"| comments accepted per second ({conns} connections), each queueing an email | {float(f['created_per_s']):,.0f} |")
print(f"| p99 of a post, ms | {int(f['p99_us']) / 1000:.2f} |")
print(f"| comments accepted | {created:,} |")
print(f"| emails accepted by the SMTP server when the load ended | {int(at_end):,} |")
print(f"| outbox drained, seconds after the load ended | {done - load_end:.1f} |")
print(f"| emails delivered per second, first post to last email | {created / (done - start):,.0f} |")
print(f"| emails in the outbox (comments created, counting those wrk did not see answered) | {int(queued):,} |")
print(f"| emails accepted in all (2 s after draining) / distinct Message-IDs | {int(final):,} / {int(unique):,} |")
print(f"| natter RSS after, MiB | {int(rss) / 1024:.1f} |")
PY
