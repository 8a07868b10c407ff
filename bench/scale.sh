#!/usr/bin/env bash
# natter's costs as the work grows (issue #15 item 4), in one command from
# the repository root:
#
#   bench/scale.sh
#
# Uses the release binary at NATTER_BIN (default target/release/natter; it
# does not build), installs wrk with apt-get when it is missing, and on
# 127.0.0.1 only:
#
# 1. For each size of SCALE_BIG (default 2,000 and 20,000 comments), one
#    thread of that many comments (about 55 % top-level, the rest replies and
#    replies of replies, some chains 40 deep; bench/scale_data.py), imported
#    with `natter import json` into a fresh database, then: the whole thread
#    walked page by page with the cursor each answer gives, in a fresh
#    process (cold) and again (warm); the first page (the default read, no
#    limit) read with wrk (bench/report.lua); its paint in headless Chromium
#    (bench/scale_paint.mjs, median of cold loads); new comments posted into
#    it with wrk (bench/post.lua, 201s per second).
# 2. SCALE_SITES sites (default 10,000) holding SCALE_COMMENTS comments
#    (default 1,000,000) in threads of ten, written as one natter export and
#    brought in by one `natter import json`, which creates the sites in the
#    database (natter.toml declares none); then natter's memory after start,
#    its start time to the first answered /healthz (median of SCALE_STARTS),
#    reads of cold threads (wrk through a shuffled list of the threads,
#    bench/scale_cold.lua, each read once) and of one hot thread, and its
#    memory after. The same is measured first at a tenth of the sites and
#    comments, so that the table can say what grew with the database.
#
# Prints Markdown tables at the end (bench/scale_report.py), with a
# paragraph per figure on what should grow with the work and what should
# not, and whether it did. Everything it starts is
# stopped on exit; its files live in a temp directory that is removed
# (SCALE_KEEP=1 keeps it).
#
# Settings (environment):
#   NATTER_BIN            the natter binary (default: target/release/natter)
#   SCALE_BIG             thread sizes, comma separated (default: 2000,20000)
#   SCALE_SITES           sites of the many-sites process (default: 10000)
#   SCALE_COMMENTS        comments over those sites (default: 1000000; 0 skips part 2)
#   SCALE_DURATION        each wrk run of hot reads and posts (default: 10s)
#   SCALE_COLD_READS      cold threads read (default: 10000, at most the small run's threads)
#   SCALE_CONNECTIONS     wrk connections (default: 64)
#   SCALE_PAINT_RUNS      cold loads per paint figure; 0 skips paint (default: 5)
#   SCALE_STARTS          fresh starts to time (default: 3)
#   SCALE_KEEP=1          keep the temp directory (logs, wrk output, files)
#
# A small run for trying it out: SCALE_SITES=100 SCALE_COMMENTS=10000
# SCALE_DURATION=3s SCALE_PAINT_RUNS=1 bench/scale.sh

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BIN=${NATTER_BIN:-target/release/natter}
IFS=, read -r -a BIG <<<"${SCALE_BIG:-2000,20000}"
SITES=${SCALE_SITES:-10000}
COMMENTS=${SCALE_COMMENTS:-1000000}
DURATION=${SCALE_DURATION:-10s}
CONNS=${SCALE_CONNECTIONS:-64}
PAINT_RUNS=${SCALE_PAINT_RUNS:-5}
COLD_READS=${SCALE_COLD_READS:-10000}
STARTS=${SCALE_STARTS:-3}
WRK_THREADS=2
ACCEPT='Accept-Encoding: gzip, br'
SITE_ORIGIN=https://blog.example.org

say() { printf '\n== %s\n' "$*" >&2; }
fail() { printf 'scale: %s\n' "$*" >&2; exit 1; }

whole() {  # $1: name, $2: value; a whole number or a clear error
    [[ $2 =~ ^[0-9]+$ ]] || fail "$1 must be a whole number, not '$2'"
}
for n in "${BIG[@]}"; do
    whole SCALE_BIG "$n"
    [ "$n" -ge 1 ] || fail "SCALE_BIG sizes must be at least 1"
done
whole SCALE_SITES "$SITES"
whole SCALE_COMMENTS "$COMMENTS"
whole SCALE_PAINT_RUNS "$PAINT_RUNS"
whole SCALE_STARTS "$STARTS"
whole SCALE_CONNECTIONS "$CONNS"
[ "$SITES" -ge 1 ] || fail "SCALE_SITES must be at least 1"
[ "$COMMENTS" = 0 ] || [ "$COMMENTS" -ge "$SITES" ] ||
    fail "SCALE_COMMENTS ($COMMENTS) must be 0 or at least SCALE_SITES ($SITES): every site gets a thread"
[ "$STARTS" -ge 1 ] || fail "SCALE_STARTS must be at least 1"

# ---------------------------------------------------------------- tools
if ! command -v wrk >/dev/null 2>&1; then
    say "installing wrk"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
command -v python3 >/dev/null 2>&1 || fail "python3 is needed (bench/scale_data.py)"
command -v curl >/dev/null 2>&1 || fail "curl is needed (answer sizes)"
if [ "$PAINT_RUNS" -gt 0 ]; then
    command -v node >/dev/null 2>&1 || fail "node is needed for the paint figure (or SCALE_PAINT_RUNS=0)"
fi
# The binary may be being rebuilt: wait up to two minutes for it.
for i in $(seq 1 120); do
    [ -x "$BIN" ] && break
    [ "$i" = 1 ] && echo "scale: waiting for $BIN" >&2
    sleep 1
done
[ -x "$BIN" ] || fail "no natter binary at $BIN (build it with cargo build --release, or set NATTER_BIN)"
BIN_GIVEN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# ---------------------------------------------------------------- processes
W=$(mktemp -d /tmp/natter-scale.XXXXXX)
PID=""
# A copy, so that a rebuild during the run cannot mix two binaries.
cp "$BIN_GIVEN" "$W/natter"
BIN_REV=$(git -C "$(dirname "$BIN_GIVEN")" rev-parse --short HEAD 2>/dev/null || echo '?')
BIN=$W/natter
"$BIN" --version >/dev/null 2>&1 || { rm -rf "$W"; fail "$BIN_GIVEN does not run (being rebuilt? try again)"; }
export NATTER_BIN=$BIN

# shellcheck source=bench/stop.sh
source bench/stop.sh

finish() {
    local rc=$?
    stop_pid "$PID"
    PID=""
    if [ "${SCALE_KEEP:-0}" = 1 ]; then
        echo "scale: files kept in $W" >&2
    else
        rm -rf "$W"
    fi
    exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

config() {  # $1: file, $2: 1 to declare the site of the large threads
    {
        if [ "$2" = 1 ]; then
            printf '[[site]]\nid = "bench"\norigins = ["%s"]\n\n' "$SITE_ORIGIN"
        fi
        printf '[rate_limit]\nenabled = false\n\n[spam]\nmin_seconds = 0\n'
    } >"$1"
}

serve() {  # $1: config, $2: database, $3: log prefix; sets PID and URL
    local i
    "$BIN" serve --config "$1" --listen 127.0.0.1:0 --database "$2" >"$3.out" 2>"$3.err" &
    PID=$!
    URL=""
    for i in $(seq 1 600); do
        URL=$(sed -n 's|^natter listening on \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' "$3.out")
        [ -n "$URL" ] && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$3.err" >&2
    fail "natter did not start (log: $3.err)"
}

healthy() {  # waits for the first 200 of /healthz
    local i
    for i in $(seq 1 600); do
        curl -sf -o /dev/null "$URL/healthz" && return 0
        sleep 0.05
    done
    fail "natter never answered /healthz"
}

declare -A V   # figures by name

value() {  # $1: file, $2: KEY of a KEY=value line
    sed -n "s/^$2=//p" "$1" | tail -n 1
}

field() {  # $1: a BENCH line, $2: a key
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}

bench() {  # $1: name, $2: duration, $3: url, $4: script, rest: script arguments; sets V[name]
    local name=$1 dur=$2 url=$3 script=$4 out line
    shift 4
    local extra=()
    if (($#)); then extra=(-- "$@"); fi
    out="$W/wrk-$name.txt"
    echo "-- wrk $name ($CONNS connections, $dur)" >&2
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$dur" --timeout 10s --latency -H "$ACCEPT" \
        -s "$script" "$url" "${extra[@]}" >"$out" 2>&1 || { cat "$out" >&2; fail "wrk failed ($name)"; }
    line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; fail "wrk printed no result ($name)"; }
    V[$name]=$line
    printf '   %s req/s, p50 %s us, p99 %s us\n' "$(field "$line" rps)" "$(field "$line" p50_us)" \
        "$(field "$line" p99_us)" >&2
}

bench_cold() {  # $1: name, $2: file of paths; reads COLD_READS of them once each; sets V[name]
    local name=$1 out="$W/wrk-$1.txt" mark="$W/mark-$1" line i pid
    echo "-- wrk $name ($CONNS connections, each of $COLD_READS threads read once)" >&2
    rm -f "$mark".*
    wrk -t"$WRK_THREADS" -c"$CONNS" -d300s --timeout 10s --latency -H "$ACCEPT" \
        -s bench/scale_cold.lua "$URL" -- "$2" "$WRK_THREADS" "$COLD_READS" "$mark" >"$out" 2>&1 &
    pid=$!
    for i in $(seq 1 3000); do
        [ "$(find "$W" -maxdepth 1 -name "mark-$name.*" | wc -l)" -ge "$WRK_THREADS" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" || { cat "$out" >&2; fail "wrk failed ($name)"; }
    line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; fail "wrk printed no result ($name)"; }
    [ "$(field "$line" unfinished)" = 0 ] || { cat "$out" >&2; fail "wrk did not read every thread within 300 s ($name)"; }
    [ "$(field "$line" not200)" = 0 ] || fail "some cold reads did not answer 200 (see $out)"
    V[$name]=$line
    printf '   %s req/s, p50 %s us, p99 %s us\n' "$(field "$line" rps)" "$(field "$line" p50_us)" \
        "$(field "$line" p99_us)" >&2
}

encoded_bytes() {  # $1: path; prints "BYTES ENCODING" of the answer to Accept-Encoding: gzip, br
    curl -s -o "$W/answer" -D "$W/answer-headers" -H "$ACCEPT" "$URL$1" || fail "GET $1 failed"
    printf '%s %s\n' "$(stat -c %s "$W/answer")" \
        "$(tr -d '\r' <"$W/answer-headers" | sed -n 's/^[Cc]ontent-[Ee]ncoding: //p')"
}

secs() {  # $1: start from date +%s.%N
    awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# ---------------------------------------------------------------- the run
RUN_START=$(date +%s)
LOAD_BEFORE=$(uptime)

for n in "${BIG[@]}"; do
    say "a thread of $n comments"
    d="$W/big-$n"
    mkdir -p "$d"
    config "$d/natter.toml" 1
    page="/post/scale$n"
    python3 bench/scale_data.py thread "$d/thread.json" "$n" "$SITE_ORIGIN" "$page" >"$d/shape.txt"
    t0=$(date +%s.%N)
    "$BIN" import json "$d/thread.json" --site bench --config "$d/natter.toml" --database "$d/natter.db" \
        >"$d/import.txt" 2>&1 || { cat "$d/import.txt" >&2; fail "import of $n comments failed"; }
    V[import$n]=$(secs "$t0")
    grep -q "comments imported: $n " "$d/import.txt" || { cat "$d/import.txt" >&2; fail "the import did not take all $n comments"; }
    V[top$n]=$(value "$d/shape.txt" THREAD_TOP)
    V[deep$n]=$(value "$d/shape.txt" THREAD_DEEPEST)
    echo "imported in ${V[import$n]} s: ${V[top$n]} top-level, deepest reply at depth ${V[deep$n]}" >&2

    serve "$d/natter.toml" "$d/natter.db" "$d/natter"
    python3 bench/scale_data.py walk "$URL" "$SITE_ORIGIN$page" >"$d/walk-cold.txt"
    python3 bench/scale_data.py walk "$URL" "$SITE_ORIGIN$page" >"$d/walk-warm.txt"
    V[pages$n]=$(value "$d/walk-cold.txt" WALK_PAGES)
    V[coldwalk$n]=$(value "$d/walk-cold.txt" WALK_MS)
    V[warmwalk$n]=$(value "$d/walk-warm.txt" WALK_MS)
    echo "walk: ${V[pages$n]} pages, cold ${V[coldwalk$n]} ms, warm ${V[warmwalk$n]} ms" >&2
    python3 bench/scale_data.py first "$URL" "$SITE_ORIGIN$page" >"$d/first.txt"
    V[firstn$n]=$(value "$d/first.txt" FIRST_COMMENTS)
    V[firsttop$n]=$(value "$d/first.txt" FIRST_TOP)
    path="/api/comments?url=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$SITE_ORIGIN$page")"
    V[firstbytes$n]=$(encoded_bytes "$path")
    bench "first$n" "$DURATION" "$URL$path" bench/report.lua
    bench "post$n" "$DURATION" "$URL" bench/post.lua "scale$n" "scale$n"
    stop_pid "$PID"
    PID=""

    if [ "$PAINT_RUNS" -gt 0 ]; then
        echo "-- paint of the first page ($PAINT_RUNS cold loads)" >&2
        node bench/scale_paint.mjs "$n" "$PAINT_RUNS" >"$d/paint.txt" 2>"$d/paint.err" ||
            { cat "$d/paint.err" >&2; fail "the paint of $n comments failed"; }
        V[paint$n]=$(value "$d/paint.txt" PAINT_MS)
        V[paintall$n]=$(value "$d/paint.txt" PAINT_ALL)
        V[paintshown$n]=$(value "$d/paint.txt" PAINT_SHOWN)
        V[paintapi$n]=$(value "$d/paint.txt" PAINT_FIRST_PAGE)
        echo "   painted ${V[paintshown$n]} comments in ${V[paint$n]} ms (${V[paintall$n]})" >&2
    fi
done

many() {  # $1: label, $2: sites, $3: comments; sets V[<label>,…]
    local k=$1 sites=$2 total=$3 d="$W/sites-$1" t0 c hot seen
    say "$sites sites, $total comments in one process"
    mkdir -p "$d"
    config "$d/natter.toml" 0
    t0=$(date +%s.%N)
    python3 bench/scale_data.py sites "$d/sites.json" "$d/urls.txt" "$sites" "$total" >"$d/made.txt"
    V[$k,gen]=$(secs "$t0")
    V[$k,threads]=$(value "$d/made.txt" SITES_THREADS)
    V[$k,filemib]=$(awk -v b="$(stat -c %s "$d/sites.json")" 'BEGIN { printf "%.0f", b / 1048576 }')
    echo "wrote ${V[$k,filemib]} MiB (${V[$k,threads]} threads) in ${V[$k,gen]} s" >&2
    t0=$(date +%s.%N)
    "$BIN" import json "$d/sites.json" --config "$d/natter.toml" --database "$d/natter.db" \
        >"$d/import.txt" 2>&1 || { tail -n 20 "$d/import.txt" >&2; fail "the import of $total comments failed"; }
    V[$k,import]=$(secs "$t0")
    grep -q "comments imported: $total " "$d/import.txt" ||
        { grep -v 'created from the file' "$d/import.txt" >&2; fail "the import did not take all $total comments"; }
    V[$k,importpeak]=$(sed -n 's/^peak memory: //p' "$d/import.txt")
    rm -f "$d/sites.json"
    V[$k,dbmib]=$(du -cm "$d"/natter.db* | tail -n 1 | cut -f1)
    echo "imported in ${V[$k,import]} s (peak ${V[$k,importpeak]}); database ${V[$k,dbmib]} MiB" >&2

    serve "$d/natter.toml" "$d/natter.db" "$d/natter"
    healthy
    sleep 1
    python3 bench/seed.py mem "$PID" >"$d/mem-start.txt"
    V[$k,rss0]=$(value "$d/mem-start.txt" RSS_KIB)
    V[$k,hwm0]=$(value "$d/mem-start.txt" HWM_KIB)
    seen=$(curl -s "$URL/api/config?url=https%3A%2F%2Fs$((sites - 1)).example.org%2Fpost%2F0" -o /dev/null -w '%{http_code}')
    [ "$seen" = 200 ] || fail "the last site (s$((sites - 1))) is not known to natter (answer $seen)"
    bench_cold "$k-cold" "$d/urls.txt"
    hot="/api/comments?url=https%3A%2F%2Fs0.example.org%2Fpost%2F0"
    curl -sf -o /dev/null "$URL$hot" || fail "GET $hot failed"
    bench "$k-hot" "$DURATION" "$URL$hot" bench/report.lua
    python3 bench/seed.py mem "$PID" >"$d/mem-after.txt"
    V[$k,rss1]=$(value "$d/mem-after.txt" RSS_KIB)
    V[$k,hwm1]=$(value "$d/mem-after.txt" HWM_KIB)
    stop_pid "$PID"
    PID=""
    echo "-- start to first answered /healthz ($STARTS starts)" >&2
    python3 bench/scale_data.py start "$BIN" "$d/natter.toml" "$d/natter.db" "$STARTS" >"$d/starts.txt"
    V[$k,start]=$(value "$d/starts.txt" START_MS)
    V[$k,startall]=$(value "$d/starts.txt" START_MS_ALL)
    rm -rf "$d"
}

if [ "$COMMENTS" -gt 0 ]; then
    # The same shape at a tenth, to say what grew with the database. The
    # cold reads are as many in both (each thread read once), at most the
    # smaller one's threads.
    SMALL_SITES=$(((SITES + 9) / 10))
    SMALL_COMMENTS=$((COMMENTS / 10 > SMALL_SITES ? COMMENTS / 10 : SMALL_SITES))
    SMALL_THREADS=$(python3 bench/scale_data.py threads "$SMALL_SITES" "$SMALL_COMMENTS")
    whole SCALE_COLD_READS "$COLD_READS"
    [ "$COLD_READS" -le "$SMALL_THREADS" ] || COLD_READS=$SMALL_THREADS
    many small "$SMALL_SITES" "$SMALL_COMMENTS"
    many full "$SITES" "$COMMENTS"
fi
LOAD_AFTER=$(uptime)
RUN_SECS=$(($(date +%s) - RUN_START))

# ---------------------------------------------------------------- summary
{
    for k in "${!V[@]}"; do printf '%s=%s\n' "$k" "${V[$k]}"; done
    printf 'big=%s\n' "$(IFS=,; echo "${BIG[*]}")"
    printf 'sites=%s\ncomments=%s\n' "$SITES" "$COMMENTS"
    printf 'small_sites=%s\nsmall_comments=%s\n' "${SMALL_SITES:-0}" "${SMALL_COMMENTS:-0}"
    printf 'cold_reads=%s\nconns=%s\nwrk_threads=%s\n' "$COLD_READS" "$CONNS" "$WRK_THREADS"
    printf 'duration=%s\naccept=%s\npaint_runs=%s\nstarts=%s\n' "$DURATION" "$ACCEPT" "$PAINT_RUNS" "$STARTS"
    printf 'bin=%s (copied at the start; its work tree at %s)\nversion=%s\n' "$BIN_GIVEN" \
        "$BIN_REV" "$("$BIN" --version 2>/dev/null || echo '?')"
    printf 'load_before=%s\n' "$(sed 's/.*load average/load average/' <<<"$LOAD_BEFORE")"
    printf 'load_after=%s\n' "$(sed 's/.*load average/load average/' <<<"$LOAD_AFTER")"
    printf 'run_secs=%s\ndate=%s\n' "$RUN_SECS" "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'machine=%s cores, %s\n' "$(nproc)" "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
} >"$W/figures.txt"
python3 bench/scale_report.py "$W/figures.txt" | tee "$W/summary.md"
