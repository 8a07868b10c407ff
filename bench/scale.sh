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
# Prints a Markdown table at the end, with a paragraph per figure on what
# should grow with the work and what should not. Everything it starts is
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
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
export NATTER_BIN=$BIN

# ---------------------------------------------------------------- processes
W=$(mktemp -d /tmp/natter-scale.XXXXXX)
PID=""

halt() {  # $1: pid; TERM, then KILL after 10 s
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

finish() {
    local rc=$?
    halt "$PID"
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

wrk_errors() {  # $1: a BENCH line; socket errors, answers >= 400, and for posts every answer but 201
    local l=$1 n
    n=$(($(field "$l" err_connect) + $(field "$l" err_read) + $(field "$l" err_write) + $(field "$l" err_timeout)))
    if [ -n "$(field "$l" other)" ]; then
        n=$((n + $(field "$l" held) + $(field "$l" other)))
    else
        n=$((n + $(field "$l" err_status)))
    fi
    echo "$n"
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
    halt "$PID"
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
    halt "$PID"
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
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { printf '%.0f' "$(field "$1" "$2")"; }
cells() {  # $@: one cell per size
    local c
    for c in "$@"; do printf ' %s |' "$c"; done
}
flat() {  # $1: ratio of the largest to the smallest; "flat" within 30 %
    awk -v r="$1" 'BEGIN { if (r == "-") print "-"; else if (r >= 0.7 && r <= 1.3) print "flat"; else printf "**x%.2f**", r }'
}

many_row() {  # $1: label, $2: key, $3: format, $4: small, $5: large; the ratio last
    V[ratio,$2]=$(ratio "$5" "$4")
    printf "| %s | $3 | $3 | x%s |\n" "$1" "$4" "$5" "${V[ratio,$2]}"
}
cold_cell() {
    printf '%s ms, %s ms, %s, %s, %s' "$(ms "$(field "$1" p50_us)")" "$(ms "$(field "$1" p99_us)")" \
        "$(field "$1" reads)" "$(field "$1" fillers)" "$(wrk_errors "$1")"
}
hot_cell() {
    printf '%s ms, %s ms, %s' "$(ms "$(field "$1" p50_us)")" "$(ms "$(field "$1" p99_us)")" "$(wrk_errors "$1")"
}

A=${BIG[0]}
Z=${BIG[${#BIG[@]} - 1]}
GROW=$(ratio "$Z" "$A")

{
    echo
    echo "## natter as work grows"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), run took $((RUN_SECS / 60)) min $((RUN_SECS % 60)) s"
    echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    echo "- natter: $BIN ($("$BIN" --version 2>/dev/null || echo '?'))"
    echo "- wrk $WRK_THREADS threads, $CONNS connections, \`$ACCEPT\`, loopback; $DURATION per run (cold reads: until each of $COLD_READS threads was read once)"
    echo "- load before: $(sed 's/.*load average/load average/' <<<"$LOAD_BEFORE")"
    echo "- load after: $(sed 's/.*load average/load average/' <<<"$LOAD_AFTER")"
    echo
    printf '| one thread of | %s last / first |\n' "$(for n in "${BIG[@]}"; do printf '%s comments |' "$n"; done)"
    printf '|---|%s---|\n' "$(for n in "${BIG[@]}"; do printf -- '---|'; done)"
    row=() ; for n in "${BIG[@]}"; do row+=("${V[top$n]} top-level, deepest at depth ${V[deep$n]}"); done
    printf '| shape |%s x%s (the work) |\n' "$(cells "${row[@]}")" "$GROW"
    row=() ; for n in "${BIG[@]}"; do row+=("${V[import$n]} s"); done
    printf '| `natter import json` |%s %s |\n' "$(cells "${row[@]}")" "x$(ratio "${V[import$Z]}" "${V[import$A]}")"
    row=() ; for n in "${BIG[@]}"; do row+=("${V[firsttop$n]} top-level, ${V[firstn$n]} comments, ${V[firstbytes$n]}"); done
    printf '| first page (default read) |%s |\n' "$(cells "${row[@]}")"
    row=() ; for n in "${BIG[@]}"; do row+=("$(rate "${V[first$n]}" rps)/s, p99 $(ms "$(field "${V[first$n]}" p99_us)") ms, $(wrk_errors "${V[first$n]}") errors"); done
    r=$(ratio "$(field "${V[first$Z]}" rps)" "$(field "${V[first$A]}" rps)")
    printf '| first page read |%s %s (%s) |\n' "$(cells "${row[@]}")" "x$r" "$(flat "$r")"
    row=() ; for n in "${BIG[@]}"; do row+=("${V[pages$n]}"); done
    printf '| pages walked (by cursor) |%s x%s |\n' "$(cells "${row[@]}")" "$(ratio "${V[pages$Z]}" "${V[pages$A]}")"
    row=() ; for n in "${BIG[@]}"; do row+=("${V[coldwalk$n]} ms ($(per "${V[coldwalk$n]}" "${V[pages$n]}") ms a page)"); done
    printf '| whole walk, cold (fresh process) |%s x%s |\n' "$(cells "${row[@]}")" "$(ratio "${V[coldwalk$Z]}" "${V[coldwalk$A]}")"
    row=() ; for n in "${BIG[@]}"; do row+=("${V[warmwalk$n]} ms ($(per "${V[warmwalk$n]}" "${V[pages$n]}") ms a page)"); done
    printf '| whole walk, warm |%s x%s |\n' "$(cells "${row[@]}")" "$(ratio "${V[warmwalk$Z]}" "${V[warmwalk$A]}")"
    if [ "$PAINT_RUNS" -gt 0 ]; then
        row=() ; for n in "${BIG[@]}"; do row+=("${V[paint$n]} ms (${V[paintshown$n]} comments; runs ${V[paintall$n]})"); done
        r=$(ratio "${V[paint$Z]}" "${V[paint$A]}")
        printf '| paint of the first page, cold, median of %s |%s %s (%s) |\n' "$PAINT_RUNS" "$(cells "${row[@]}")" "x$r" "$(flat "$r")"
    fi
    row=() ; for n in "${BIG[@]}"; do row+=("$(rate "${V[post$n]}" created_per_s)/s, p99 $(ms "$(field "${V[post$n]}" p99_us)") ms, $(wrk_errors "${V[post$n]}") not 201"); done
    r=$(ratio "$(field "${V[post$Z]}" created_per_s)" "$(field "${V[post$A]}" created_per_s)")
    printf '| new comments into it (201s per second) |%s %s (%s) |\n' "$(cells "${row[@]}")" "x$r" "$(flat "$r")"
    if [ "$COMMENTS" -gt 0 ]; then
        echo
        echo "| sites and comments in one process | $SMALL_SITES sites, $SMALL_COMMENTS comments | $SITES sites, $COMMENTS comments | large / small |"
        echo "|---|---|---|---|"
        echo "| sites declared | by the import (one natter export, ${V[small,filemib]} MiB, written in ${V[small,gen]} s) | by the import (one natter export, ${V[full,filemib]} MiB, written in ${V[full,gen]} s) | |"
        many_row "seeding: \`natter import json\`" import "%s s" "${V[small,import]}" "${V[full,import]}"
        echo "| import: comments/s, peak memory | $(per "$SMALL_COMMENTS" "${V[small,import]}" | cut -d. -f1)/s, ${V[small,importpeak]} | $(per "$COMMENTS" "${V[full,import]}" | cut -d. -f1)/s, ${V[full,importpeak]} | |"
        many_row "threads (of ten comments)" threads "%s" "${V[small,threads]}" "${V[full,threads]}"
        many_row "database (MiB, with its WAL)" db "%s" "${V[small,dbmib]}" "${V[full,dbmib]}"
        many_row "RSS after start, before any read (MiB)" rss0 "%s" "$(mib "${V[small,rss0]}")" "$(mib "${V[full,rss0]}")"
        many_row "peak RSS by then (MiB)" hwm0 "%s" "$(mib "${V[small,hwm0]}")" "$(mib "${V[full,hwm0]}")"
        many_row "start to first answered /healthz, median of $STARTS (ms)" start "%s" "${V[small,start]}" "${V[full,start]}"
        echo "| (each start, ms) | ${V[small,startall]} | ${V[full,startall]} | |"
        many_row "cold threads read, each once, never before (req/s)" cold "%s" \
            "$(rate "${V[small-cold]}" rps)" "$(rate "${V[full-cold]}" rps)"
        echo "| (cold: p50, p99, threads read, /healthz fillers, errors) | $(cold_cell "${V[small-cold]}") | $(cold_cell "${V[full-cold]}") | |"
        many_row "one hot thread read (req/s)" hot "%s" "$(rate "${V[small-hot]}" rps)" "$(rate "${V[full-hot]}" rps)"
        echo "| (hot: p50, p99, errors) | $(hot_cell "${V[small-hot]}") | $(hot_cell "${V[full-hot]}") | |"
        many_row "RSS after those reads (MiB)" rss1 "%s" "$(mib "${V[small,rss1]}")" "$(mib "${V[full,rss1]}")"
    fi
    echo
    echo "What should grow with the work, and what should not (last / first: ${Z} against ${A} comments, x$GROW the work):"
    echo
    r=$(ratio "$(field "${V[first$Z]}" rps)" "$(field "${V[first$A]}" rps)")
    echo "- **First page read.** The default read is the first ${V[firsttop$A]} top-level comments with their replies, cut once from the thread as built and then served from the cache, so its rate should not depend on the thread's size, only on the page's bytes: x$r ($(flat "$r"))."
    r=$(ratio "${V[pages$Z]}" "${V[pages$A]}")
    r2=$(ratio "$(per "${V[warmwalk$Z]}" "${V[pages$Z]}")" "$(per "${V[warmwalk$A]}" "${V[pages$A]}")")
    r3=$(ratio "${V[coldwalk$Z]}" "${V[coldwalk$A]}")
    echo "- **Page-by-page walk.** The pages grow with the top-level comments (x$r), so the whole walk should too, and each page should cost the same: warm, a page cost x$r2 ($(flat "$r2")). Cold, the first page also builds the whole thread once (linear in its comments), and every page is cut and cached for the first time: the cold walk took x$r3 for x$GROW the comments."
    if awk -v a="$(per "${V[warmwalk$Z]}" "${V[pages$Z]}")" -v b="$(per "${V[coldwalk$Z]}" "${V[pages$Z]}")" 'BEGIN { exit !(a >= 0.5 * b) }'; then
        echo "  The warm walk of $Z cost as much a page as the cold one: that thread's build was not kept between reads, so every page (the first one too) rebuilt the whole thread; the answer cache keeps no entry larger than a part of its bound."
    fi
    if [ "$PAINT_RUNS" -gt 0 ]; then
        r=$(ratio "${V[paint$Z]}" "${V[paint$A]}")
        echo "- **Paint.** The widget paints the first page only (${V[paintshown$A]} and ${V[paintshown$Z]} comments painted; the API's first page holds ${V[paintapi$A]} and ${V[paintapi$Z]}), so paint should follow that page, not the thread: x$r ($(flat "$r"))."
    fi
    r=$(ratio "$(field "${V[post$Z]}" created_per_s)" "$(field "${V[post$A]}" created_per_s)")
    echo "- **New comments.** A post is one row and one batch commit; it drops the thread's cached build, which the next read rebuilds (linear in the thread), but no read runs here, so the rate should stay flat: x$r ($(flat "$r"))."
    r=$(ratio "${V[import$Z]}" "${V[import$A]}")
    echo "- **Import** is linear in the comments: x$r for x$GROW (short imports are mostly process start)."
    if [ "$COMMENTS" -gt 0 ]; then
        g=$(ratio "$COMMENTS" "$SMALL_COMMENTS")
        echo "- **Many sites: seeding** (x$g the comments and sites) should be linear: the import took x${V[ratio,import]}."
        echo "- **Memory after start and start time** should not follow the comments (nothing is read until asked), only the sites (each held in memory once): RSS x${V[ratio,rss0]} ($(flat "${V[ratio,rss0]}")), start x${V[ratio,start]} ($(flat "${V[ratio,start]}"))."
        echo "- **Cold threads** each cost one read of their rows through the threads' index and one build: the rate should stay flat as the database grows, while it fits the page cache: x${V[ratio,cold]} ($(flat "${V[ratio,cold]}"))."
        echo "- **A hot thread** is a cached answer whatever lies beside it: x${V[ratio,hot]} ($(flat "${V[ratio,hot]}"))."
        echo "- **Memory after the reads** grows with the answers cached, which the cache bounds, not with the database: x${V[ratio,rss1]} ($(flat "${V[ratio,rss1]}"))."
    fi
} | tee "$W/summary.md"
