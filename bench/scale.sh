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
#    reads of cold threads (wrk through a shuffled list of every thread,
#    bench/scale_cold.lua, each read once) and of one hot thread, and its
#    memory after.
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
#   SCALE_COLD_DURATION   the wrk run of cold reads (default: 5s)
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
COLD_DURATION=${SCALE_COLD_DURATION:-5s}
CONNS=${SCALE_CONNECTIONS:-64}
PAINT_RUNS=${SCALE_PAINT_RUNS:-5}
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

if [ "$COMMENTS" -gt 0 ]; then
    say "$SITES sites, $COMMENTS comments in one process"
    d="$W/sites"
    mkdir -p "$d"
    config "$d/natter.toml" 0
    t0=$(date +%s.%N)
    python3 bench/scale_data.py sites "$d/sites.json" "$d/urls.txt" "$SITES" "$COMMENTS" >"$d/made.txt"
    V[gen]=$(secs "$t0")
    V[threads]=$(value "$d/made.txt" SITES_THREADS)
    V[filemib]=$(awk -v b="$(stat -c %s "$d/sites.json")" 'BEGIN { printf "%.0f", b / 1048576 }')
    echo "wrote ${V[filemib]} MiB (${V[threads]} threads) in ${V[gen]} s" >&2
    t0=$(date +%s.%N)
    "$BIN" import json "$d/sites.json" --config "$d/natter.toml" --database "$d/natter.db" \
        >"$d/import.txt" 2>&1 || { tail -n 20 "$d/import.txt" >&2; fail "the import of $COMMENTS comments failed"; }
    V[import]=$(secs "$t0")
    grep -q "comments imported: $COMMENTS " "$d/import.txt" || { grep -v 'created from the file' "$d/import.txt" >&2; fail "the import did not take all $COMMENTS comments"; }
    V[importpeak]=$(sed -n 's/^peak memory: //p' "$d/import.txt")
    rm -f "$d/sites.json"
    V[dbmib]=$(du -cm "$d"/natter.db* | tail -n 1 | cut -f1)
    echo "imported in ${V[import]} s (peak ${V[importpeak]}); database ${V[dbmib]} MiB" >&2

    serve "$d/natter.toml" "$d/natter.db" "$d/natter"
    healthy
    sleep 1
    python3 bench/seed.py mem "$PID" >"$d/mem-start.txt"
    V[rss0]=$(value "$d/mem-start.txt" RSS_KIB)
    V[hwm0]=$(value "$d/mem-start.txt" HWM_KIB)
    sites_seen=$(curl -s "$URL/api/config?url=https%3A%2F%2Fs$((SITES - 1)).example.org%2Fpost%2F0" -o /dev/null -w '%{http_code}')
    [ "$sites_seen" = 200 ] || fail "the last site (s$((SITES - 1))) is not known to natter (answer $sites_seen)"
    bench cold "$COLD_DURATION" "$URL" bench/scale_cold.lua "$d/urls.txt" "$WRK_THREADS"
    [ "$(field "${V[cold]}" not200)" = 0 ] || fail "some cold reads did not answer 200 (see $W/wrk-cold.txt)"
    hot="/api/comments?url=https%3A%2F%2Fs0.example.org%2Fpost%2F0"
    curl -sf -o /dev/null "$URL$hot" || fail "GET $hot failed"
    bench hot "$DURATION" "$URL$hot" bench/report.lua
    python3 bench/seed.py mem "$PID" >"$d/mem-after.txt"
    V[rss1]=$(value "$d/mem-after.txt" RSS_KIB)
    V[hwm1]=$(value "$d/mem-after.txt" HWM_KIB)
    halt "$PID"
    PID=""
    echo "-- start to first answered /healthz ($STARTS starts)" >&2
    python3 bench/scale_data.py start "$BIN" "$d/natter.toml" "$d/natter.db" "$STARTS" >"$d/starts.txt"
    V[start]=$(value "$d/starts.txt" START_MS)
    V[startall]=$(value "$d/starts.txt" START_MS_ALL)
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
    echo "- wrk $WRK_THREADS threads, $CONNS connections, \`$ACCEPT\`, loopback; $DURATION per run ($COLD_DURATION for cold reads)"
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
        echo "| $SITES sites, $COMMENTS comments, one process | value |"
        echo "|---|---|"
        echo "| sites declared | by the import: one natter export (${V[filemib]} MiB, written in ${V[gen]} s) whose sites \`natter import json\` creates in the database; natter.toml declares none |"
        echo "| seeding | \`natter import json\`: ${V[import]} s ($(awk -v c="$COMMENTS" -v s="${V[import]}" 'BEGIN { printf "%.0f", c / s }') comments/s), peak ${V[importpeak]}; ${V[threads]} threads of ten; database ${V[dbmib]} MiB |"
        echo "| RSS after start, before any read | $(mib "${V[rss0]}") MiB (peak $(mib "${V[hwm0]}") MiB) |"
        echo "| start to first answered /healthz, median of $STARTS | ${V[start]} ms (${V[startall]}) |"
        c=${V[cold]}
        echo "| read of cold threads (each read once, never before) | $(rate "$c" rps)/s, p50 $(ms "$(field "$c" p50_us)") ms, p99 $(ms "$(field "$c" p99_us)") ms; $(field "$c" requests) distinct threads of $(field "$c" paths)$( [ "$(field "$c" wrapped)" = 0 ] || echo ', **the list ran out: some reads repeated**'); $(wrk_errors "$c") errors |"
        h=${V[hot]}
        echo "| read of one hot thread | $(rate "$h" rps)/s, p50 $(ms "$(field "$h" p50_us)") ms, p99 $(ms "$(field "$h" p99_us)") ms; $(wrk_errors "$h") errors |"
        echo "| RSS after those reads | $(mib "${V[rss1]}") MiB (peak $(mib "${V[hwm1]}") MiB) |"
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
    if [ "$PAINT_RUNS" -gt 0 ]; then
        r=$(ratio "${V[paint$Z]}" "${V[paint$A]}")
        echo "- **Paint.** The widget paints the first page only (${V[paintshown$A]} and ${V[paintshown$Z]} comments painted; the API's first page holds ${V[paintapi$A]} and ${V[paintapi$Z]}), so paint should follow that page, not the thread: x$r ($(flat "$r"))."
    fi
    r=$(ratio "$(field "${V[post$Z]}" created_per_s)" "$(field "${V[post$A]}" created_per_s)")
    echo "- **New comments.** A post is one row and one batch commit; it drops the thread's cached build, which the next read rebuilds (linear in the thread), but no read runs here, so the rate should stay flat: x$r ($(flat "$r"))."
    r=$(ratio "${V[import$Z]}" "${V[import$A]}")
    echo "- **Import** is linear in the comments: x$r for x$GROW (short imports are mostly process start)."
    if [ "$COMMENTS" -gt 0 ]; then
        echo "- **Many sites.** Memory after start and start time should not grow with the comments (nothing is read until asked); the sites themselves are held in memory, a few hundred bytes each. A cold thread costs one read of its rows from SQLite and one build; a hot one is a cached answer, so the hot rate should match a small thread's in a small database, and the cold rate should not fall as the database grows, beyond the page cache. RSS after the reads grows with the answers cached (bounded by the cache's limits), not with the database."
    fi
} | tee "$W/summary.md"
