#!/usr/bin/env bash
# natter's benchmark (DESIGN §12), in one command from the repository root:
#
#   bench/run.sh
#
# Installs wrk and nginx-light with apt-get when they are missing, builds the
# release binary, seeds the §12 workload through the API (a thread of 200
# comments, 500 threads of 5, 100 authors), then on 127.0.0.1 only, with wrk
# (2 threads, `Accept-Encoding: gzip, br`, --latency) at 64 and 8 connections:
# reads the 200-comment thread, reads the same bytes from nginx as a static
# file, reads counts for 20 pages, reads the thread as an HTML fragment and
# as the no-JS page (each beside nginx sending the same bytes), posts new
# comments (rate limits off). Then
# natter's memory after the run, its memory with 100,000 comments, and the
# median time from start to the first answered /healthz over 5 fresh starts,
# and live streams (bench/live.mjs: 10,000 open at once, and how soon a new
# comment reaches 1,000 of them; BENCH_LIVE=0 skips it).
# Prints a Markdown summary at the end. Everything it starts is stopped on
# exit; its files live in a temp directory that is removed (BENCH_KEEP=1
# keeps it).
#
# Settings (environment):
#   CARGO_TARGET_DIR      where cargo builds (default: target)
#   BENCH_DURATION        each wrk run (default: 10s)
#   BENCH_CONNECTIONS     connection counts (default: "64 8")
#   BENCH_BIG_COMMENTS    comments for the memory figure; 0 skips it (default: 100000)
#   BENCH_STARTS          fresh starts to time (default: 5)
#   BENCH_HOT_COMMENTS    comments already in the hot thread posted into; 0 skips it (default: 10000)
#   BENCH_SKIP_BUILD=1    use the binary already built
#   BENCH_KEEP=1          keep the temp directory (logs, wrk output)

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-"64 8"}
THREADS=2
BIG_COMMENTS=${BENCH_BIG_COMMENTS:-100000}
STARTS=${BENCH_STARTS:-5}
HOT_COMMENTS=${BENCH_HOT_COMMENTS:-10000}
FIRST_C=${CONNECTIONS%% *}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
ACCEPT='Accept-Encoding: gzip, br'

# shellcheck source=bench/lib.sh
source bench/lib.sh

# ---------------------------------------------------------------- the run
LOAD_BEFORE=$(uptime)
log "seeding the workload"
start_natter "$W/main"
echo "natter at $NATTER_URL (pid $NATTER_PID)" >&2
python3 bench/seed.py seed "$NATTER_URL" >&2

start_nginx
for f in fragment page; do
    python3 bench/seed.py same "$NGINX_URL/$f.html" "$W/static/$f.html.br" >&2
done

ENC_BIG='https%3A%2F%2Fblog.example.org%2Fpost%2Fbig'
THREAD_PATH="/api/comments?url=$ENC_BIG&limit=200"
COUNTS_PATH="/api/counts?$(for n in $(seq 1 20); do printf 'url=https%%3A%%2F%%2Fblog.example.org%%2Fpost%%2F%d&' "$n"; done)"
COUNTS_PATH=${COUNTS_PATH%&}

log "reads (wrk: $THREADS threads, $DURATION each)"
for c in $CONNECTIONS; do
    run_wrk thread "$c" "$NATTER_URL$THREAD_PATH" bench/report.lua
    run_wrk nginx "$c" "$NGINX_URL/thread.json" bench/report.lua
    run_wrk counts "$c" "$NATTER_URL$COUNTS_PATH" bench/report.lua
done
log "the thread as HTML (wrk: $THREADS threads, $DURATION each, $FIRST_C connections)"
run_wrk fragment "$FIRST_C" "$NATTER_URL/api/thread.html?limit=200&url=$ENC_BIG" bench/report.lua
run_wrk nginxfragment "$FIRST_C" "$NGINX_URL/fragment.html" bench/report.lua
run_wrk page "$FIRST_C" "$NATTER_URL/thread?url=$ENC_BIG" bench/report.lua
run_wrk nginxpage "$FIRST_C" "$NGINX_URL/page.html" bench/report.lua
stop_pid "$NGINX_PID"
NGINX_PID=""

log "new comments (rate limits off)"
for c in $CONNECTIONS; do
    run_wrk post "$c" "$NATTER_URL" bench/post.lua "c$c"
done

python3 bench/seed.py mem "$NATTER_PID" >"$W/mem-main.txt"
RSS_KIB=$(sed -n 's/^RSS_KIB=//p' "$W/mem-main.txt")
HWM_KIB=$(sed -n 's/^HWM_KIB=//p' "$W/mem-main.txt")
POSTED=0
for c in $CONNECTIONS; do
    POSTED=$((POSTED + $(field "${R[post,$c]}" created)))
done
MAIN_COMMENTS=$((2700 + POSTED))
stop_natter
# Every 201 must be in the database; requests still in flight when wrk
# stopped may add at most one comment per connection.
STORED=$(python3 bench/seed.py rows "$W/main/natter.db" | sed -n 's/^ROWS=//p')
IN_FLIGHT=0
for c in $CONNECTIONS; do IN_FLIGHT=$((IN_FLIGHT + c)); done
if [ "$STORED" -ge "$MAIN_COMMENTS" ] && [ "$STORED" -le $((MAIN_COMMENTS + IN_FLIGHT)) ]; then
    DURABLE="yes: $STORED comments stored for $MAIN_COMMENTS answered 201"
else
    DURABLE="**no**: $STORED comments stored for $MAIN_COMMENTS answered 201 (up to $IN_FLIGHT more may have been in flight)"
fi
echo "database after stop: $DURABLE" >&2

BIG_RSS_KIB=""
BIG_HWM_KIB=""
COLD_RSS_KIB=""
COLD_HWM_KIB=""
BULK_THREADS=0
if [ "$BIG_COMMENTS" -gt 0 ]; then
    log "memory with $BIG_COMMENTS comments (fresh database)"
    start_natter "$W/big"
    python3 bench/seed.py seed "$NATTER_URL" >&2
    python3 bench/seed.py bulk "$NATTER_URL" "$BIG_COMMENTS" >"$W/bulk.txt"
    cat "$W/bulk.txt" >&2
    python3 bench/seed.py mem "$NATTER_PID" >"$W/mem-cold.txt"
    COLD_RSS_KIB=$(sed -n 's/^RSS_KIB=//p' "$W/mem-cold.txt")
    COLD_HWM_KIB=$(sed -n 's/^HWM_KIB=//p' "$W/mem-cold.txt")
    BULK_THREADS=$(sed -n 's/^BULK_THREADS=//p' "$W/bulk.txt")
    python3 bench/seed.py warm "$NATTER_URL" "$BULK_THREADS" >&2
    python3 bench/seed.py mem "$NATTER_PID" >"$W/mem-big.txt"
    BIG_RSS_KIB=$(sed -n 's/^RSS_KIB=//p' "$W/mem-big.txt")
    BIG_HWM_KIB=$(sed -n 's/^HWM_KIB=//p' "$W/mem-big.txt")
    stop_natter
fi

if [ "$HOT_COMMENTS" -gt 0 ]; then
    log "new comments into one thread that holds $HOT_COMMENTS (fresh database)"
    start_natter "$W/hot"
    python3 bench/seed.py hot "$NATTER_URL" "$HOT_COMMENTS" >&2
    run_wrk posthot "$FIRST_C" "$NATTER_URL" bench/post.lua "hot$FIRST_C" hot
    stop_natter
fi

log "start to first answered request ($STARTS fresh starts)"
python3 bench/seed.py start "$BIN" "$W/natter.toml" "$W/starts" "$STARTS" >"$W/starts.txt"
cat "$W/starts.txt" >&2
START_MS=$(sed -n 's/^START_MS=//p' "$W/starts.txt")
START_ALL=$(sed -n 's/^START_MS_ALL=//p' "$W/starts.txt")
LIVE_MD=""
if [ "${BENCH_LIVE:-1}" != 0 ]; then
    log "live streams (bench/live.mjs)"
    # Each stream is a socket on both sides: raise the open-file limit.
    ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
    node bench/live.mjs "$BIN" >"$W/live.md" || die "live streams missed events (see $W/live.md)"
    LIVE_MD=$(cat "$W/live.md")
fi
LOAD_AFTER=$(uptime)

# ---------------------------------------------------------------- summary
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
yes_no() { if "$@"; then echo yes; else echo "**no**"; fi; }

errors_of() {  # wrk's socket errors and answers >= 400, or for posts every answer other than 201
    local l=$1 n
    n=$(($(field "$l" err_connect) + $(field "$l" err_read) + $(field "$l" err_write) + $(field "$l" err_timeout)))
    if [ -n "$(field "$l" other)" ]; then
        n=$((n + $(field "$l" held) + $(field "$l" other)))
        if [ "$(field "$l" other)" != 0 ]; then
            echo "$n (last status $(field "$l" last_other))"
            return
        fi
    else
        n=$((n + $(field "$l" err_status)))
    fi
    echo "$n"
}

row() {  # $1: label, $2: name, $3: connections, $4: target text, $5: met
    local l=${R[$2,$3]} rate
    rate=$(field "$l" rps)
    case $2 in post*) rate=$(field "$l" created_per_s) ;; esac
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s |\n' "$1" "$3" "$rate" "$(ms "$(field "$l" p50_us)")" \
        "$(ms "$(field "$l" p99_us)")" "$(errors_of "$l")" "$4" "$5"
}

{
    echo
    echo "## natter benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    if [ "${BENCH_SKIP_BUILD:-0}" = 1 ]; then
        echo "- natter: work tree at $REV when the run began; binary $BIN, not built by this run"
    else
        echo "- natter: $REV, built by this run at $BIN"
    fi
    echo "- wrk $THREADS threads, $DURATION per run, header \`$ACCEPT\`, loopback; nginx $("$NGINX" -v 2>&1 | sed 's|.*/||')"
    echo "- load before: $(sed 's/.*load average/load average/' <<<"$LOAD_BEFORE")"
    echo "- load after: $(sed 's/.*load average/load average/' <<<"$LOAD_AFTER")"
    f() { sed -n "s/^$1=//p" "$W/fetch.txt"; }
    echo "- 200-comment answer: $PLAIN_BYTES bytes, $GZIP_BYTES gzip, $(f THREAD_BR_BYTES) brotli (what a browser gets)"
    echo "- widget as served, plain / gzip / brotli: embed.js $(f EMBED_JS_PLAIN_BYTES) / $(f EMBED_JS_GZIP_BYTES) / $(f EMBED_JS_BR_BYTES), embed.css $(f EMBED_CSS_PLAIN_BYTES) / $(f EMBED_CSS_GZIP_BYTES) / $(f EMBED_CSS_BR_BYTES), js/write.js $(f WRITE_JS_PLAIN_BYTES) / $(f WRITE_JS_GZIP_BYTES) / $(f WRITE_JS_BR_BYTES); English first download (embed.js + embed.css) $(( $(f EMBED_JS_GZIP_BYTES) + $(f EMBED_CSS_GZIP_BYTES) )) gzip, $(( $(f EMBED_JS_BR_BYTES) + $(f EMBED_CSS_BR_BYTES) )) brotli (≤ 10,240)"
    echo
    echo "| benchmark | connections | per second | p50 ms | p99 ms | errors | §12 target | met |"
    echo "|---|---|---|---|---|---|---|---|"
    for c in $CONNECTIONS; do
        tl=${R[thread,$c]}
        if [ "$c" = "$FIRST_C" ]; then
            row "read the 200-comment thread" thread "$c" "≥ 20,000/s, p99 ≤ 10 ms" \
                "$(yes_no ge "$(field "$tl" rps)" 20000)$(le "$(field "$tl" p99_us)" 10000 || echo ' (p99 **no**)')"
        else
            row "read the 200-comment thread" thread "$c" "" ""
        fi
        row "same bytes from nginx (static file)" nginx "$c" "" ""
        ratio=$(awk -v a="$(field "$tl" rps)" -v b="$(field "${R[nginx,$c]}" rps)" 'BEGIN { printf "%.2f", a / b }')
        if [ "$c" = "$FIRST_C" ]; then
            printf '| natter / nginx | %s | %s | | | | ≥ 0.80 | %s |\n' "$c" "$ratio" "$(yes_no ge "$ratio" 0.80)"
        else
            printf '| natter / nginx | %s | %s | | | | | |\n' "$c" "$ratio"
        fi
        if [ "$c" = "$FIRST_C" ]; then
            row "counts for 20 pages" counts "$c" "≥ 20,000/s" "$(yes_no ge "$(field "${R[counts,$c]}" rps)" 20000)"
        else
            row "counts for 20 pages" counts "$c" "" ""
        fi
    done
    for f in fragment page; do
        fl=${R[$f,$FIRST_C]}
        case $f in
            fragment) label="the thread as an HTML fragment (all $(sed -n 's/^FRAGMENT_COMMENTS=//p' "$W/fetch.txt") comments, $(sed -n 's/^FRAGMENT_BR_BYTES=//p' "$W/fetch.txt") bytes brotli)" ;;
            page) label="the no-JS page (its first page: $(sed -n 's/^PAGE_COMMENTS=//p' "$W/fetch.txt") comments, $(sed -n 's/^PAGE_BR_BYTES=//p' "$W/fetch.txt") bytes brotli)" ;;
        esac
        row "$label" "$f" "$FIRST_C" "≥ 20,000/s" "$(yes_no ge "$(field "$fl" rps)" 20000)"
        row "same bytes from nginx" "nginx$f" "$FIRST_C" "" ""
        ratio=$(awk -v a="$(field "$fl" rps)" -v b="$(field "${R[nginx$f,$FIRST_C]}" rps)" 'BEGIN { printf "%.2f", a / b }')
        printf '| natter / nginx | %s | %s | | | | | |\n' "$FIRST_C" "$ratio"
    done
    for c in $CONNECTIONS; do
        if [ "$c" = "$FIRST_C" ]; then
            row "new comments (201s per second)" post "$c" "≥ 5,000/s" \
                "$(yes_no ge "$(field "${R[post,$c]}" created_per_s)" 5000)"
        else
            row "new comments (201s per second)" post "$c" "" ""
        fi
    done
    if [ "$HOT_COMMENTS" -gt 0 ]; then
        row "new comments into one thread of $HOT_COMMENTS" posthot "$FIRST_C" "≥ 3,000/s" \
            "$(yes_no ge "$(field "${R[posthot,$FIRST_C]}" created_per_s)" 3000)"
    fi
    echo
    echo "| figure | value | §12 target | met |"
    echo "|---|---|---|---|"
    echo "| RSS after the run ($MAIN_COMMENTS comments: 2,700 seeded + $POSTED posted) | $(mib "$RSS_KIB") MiB (peak $(mib "$HWM_KIB") MiB) | ≤ 30 MiB | $(yes_no le "$RSS_KIB" 30720) |"
    if [ -n "$BIG_RSS_KIB" ]; then
        echo "| RSS with $BIG_COMMENTS comments, after seeding, before any read | $(mib "$COLD_RSS_KIB") MiB (peak $(mib "$COLD_HWM_KIB") MiB) | ≤ 60 MiB | $(yes_no le "$COLD_RSS_KIB" 61440) |"
        echo "| RSS with $BIG_COMMENTS comments, then each of its $((BULK_THREADS + 501)) threads read once | $(mib "$BIG_RSS_KIB") MiB (peak $(mib "$BIG_HWM_KIB") MiB) | ≤ 60 MiB | $(yes_no le "$BIG_RSS_KIB" 61440) |"
    fi
    echo "| every 201 stored (rows counted after natter stopped) | $DURABLE | each 201 durable | $(case $DURABLE in yes*) echo yes ;; *) echo '**no**' ;; esac) |"
    echo "| start to first answered /healthz, median of $STARTS | $START_MS ms ($START_ALL) | ≤ 100 ms | $(yes_no le "$START_MS" 100) |"
    echo
    echo "Errors: socket errors and answers ≥ 400 from wrk; for new comments, every answer other than 201 (202 held, 409, 5xx…)."
    echo "Targets are for $FIRST_C connections. Latencies are wrk's (not corrected for coordinated omission)."
    [ -z "$LIVE_MD" ] || printf '%s\n' "$LIVE_MD"
} | tee "$W/summary.md"
