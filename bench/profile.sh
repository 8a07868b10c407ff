#!/usr/bin/env bash
# Where a cached read's time goes, beside nginx serving the same bytes
# (DESIGN §12), in one command from the repository root:
#
#   bench/profile.sh
#
# Seeds the §12 workload as bench/run.sh does, then for natter's
# 200-comment thread read and for nginx's static copy of it: wrk (2
# threads, 64 connections, `Accept-Encoding: gzip, br`) while `perf stat`
# counts the server's CPU time, giving CPU microseconds per request for
# each; then `perf record` of each server during another run, with the
# share of its samples by layer (the kernel, hyper, warp, tokio, natter's
# own code, memory allocation, the rest) and its top functions. natter's
# release build keeps its function names for this. Installs perf (Debian's
# linux-perf) when missing.
#
# Settings (environment): BENCH_DURATION (default 10s), PROFILE_CONNECTIONS
# (default 64), BENCH_SKIP_BUILD=1, BENCH_KEEP=1, CARGO_TARGET_DIR.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${BENCH_DURATION:-10s}
THREADS=2
CONNS=${PROFILE_CONNECTIONS:-64}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
ACCEPT='Accept-Encoding: gzip, br'

if ! command -v perf >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq linux-perf >/dev/null
fi

# shellcheck source=bench/lib.sh
source bench/lib.sh

log "seeding the workload"
start_natter "$W/main"
python3 bench/seed.py seed "$NATTER_URL" >&2
start_nginx

ENC_BIG='https%3A%2F%2Fblog.example.org%2Fpost%2Fbig'
declare -A TARGET=(
    [natter]="$NATTER_URL/api/comments?url=$ENC_BIG&limit=200"
    [nginx]="$NGINX_URL/thread.json"
)
declare -A PIDS=([natter]="$NATTER_PID" [nginx]="$(pgrep -d, -P "$NGINX_PID" || true),$NGINX_PID")

for who in natter nginx; do
    log "$who: CPU per request"
    perf stat -x, -e task-clock -p "${PIDS[$who]%,}" -o "$W/stat-$who.txt" &
    stat_pid=$!
    run_wrk "$who" "$CONNS" "${TARGET[$who]}" bench/report.lua
    kill -INT "$stat_pid"
    wait "$stat_pid" || true
    log "$who: where the time goes"
    perf record -q -F 1999 -p "${PIDS[$who]%,}" -o "$W/perf-$who.data" >/dev/null 2>&1 &
    rec_pid=$!
    sleep 0.5
    run_wrk "$who-rec" "$CONNS" "${TARGET[$who]}" bench/report.lua
    kill -INT "$rec_pid"
    wait "$rec_pid" || true
    perf report -i "$W/perf-$who.data" --no-children --sort sym --stdio -q 2>/dev/null \
        >"$W/report-$who.txt"
done

{
    echo
    echo "## Where a read's time goes: natter beside nginx"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before the reads: $(uptime | sed 's/.*load average/load average/')"
    echo "- wrk $THREADS threads, $CONNS connections, $DURATION, header \`$ACCEPT\`; \`perf stat -e task-clock\` and \`perf record -F 1999\` on the server's processes"
    echo
    echo "| server | requests/s | server CPU per request (µs) |"
    echo "|---|---|---|"
    for who in natter nginx; do
        line=${R[$who,$CONNS]}
        ms=$(awk -F, '$3 == "task-clock" || $3 ~ /task-clock/ { print $1; exit }' "$W/stat-$who.txt")
        echo "| $who | $(field "$line" rps) | $(awk -v ms="$ms" -v n="$(field "$line" requests)" 'BEGIN { printf "%.1f", ms * 1000 / n }') |"
    done
    for who in natter nginx; do
        echo
        python3 bench/seed.py layers "$W/report-$who.txt" "$who"
    done
} | tee "$W/summary.md"
