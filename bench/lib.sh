# Shared by natter's benchmark scripts (bench/run.sh, bench/profile.sh):
# sourced from the repository root after each sets DURATION, THREADS and
# ACCEPT. Installs wrk, nginx-light and python3 when missing, builds the
# release binary (unless BENCH_SKIP_BUILD=1), makes the temp directory $W
# (removed at exit unless BENCH_KEEP=1) and stops every process it started.

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || need+=(libnginx-mod-http-brotli-static)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if ((${#need[@]})); then
    log "installing ${need[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
"$NGINX" -V 2>&1 | grep -q http_gzip_static_module || die "this nginx has no gzip_static module"

# ---------------------------------------------------------------- build
REV="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock migrations 2>/dev/null || echo ' (with uncommitted changes)')"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    command -v cargo >/dev/null 2>&1 || die "cargo is needed to build natter (see README.md)"
    log "building natter (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    cargo build --release --quiet
fi
BIN=${NATTER_BIN:-$(cd "$CARGO_TARGET_DIR/release" && pwd)/natter}
[ -x "$BIN" ] || die "no binary at $BIN"

# ---------------------------------------------------------------- processes
W=$(mktemp -d /tmp/natter-bench.XXXXXX)
chmod 755 "$W"   # nginx's workers (user nobody) read the static files under it
NATTER_PID=""
NGINX_PID=""

# shellcheck source=bench/stop.sh
source bench/stop.sh

cleanup() {
    local rc=$?
    stop_pid "$NATTER_PID"
    NATTER_PID=""
    stop_pid "$NGINX_PID"
    NGINX_PID=""
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "bench: files kept in $W" >&2
    else
        rm -rf "$W"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$W/natter.toml" <<'EOF'
[[site]]
id = "bench"
origins = ["https://blog.example.org"]

[rate_limit]
enabled = false

[spam]
min_seconds = 0
EOF

start_natter() {  # $1: a new directory for its database and logs; sets NATTER_PID and NATTER_URL
    local dir=$1 i
    mkdir -p "$dir"
    "$BIN" serve --config "$W/natter.toml" --listen 127.0.0.1:0 --database "$dir/natter.db" \
        >"$dir/stdout.log" 2>"$dir/stderr.log" &
    NATTER_PID=$!
    NATTER_URL=""
    for i in $(seq 1 300); do
        NATTER_URL=$(sed -n 's|^natter listening on \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' "$dir/stdout.log")
        [ -n "$NATTER_URL" ] && return 0
        kill -0 "$NATTER_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$dir/stderr.log" >&2
    die "natter did not start"
}

stop_natter() {
    stop_pid "$NATTER_PID"
    NATTER_PID=""
}

# ---------------------------------------------------------------- wrk
declare -A R   # "name,connections" -> the BENCH line of that run

field() {  # $1: a BENCH line, $2: a key
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}

run_wrk() {  # $1: name, $2: connections, $3: url, $4: script, rest: script arguments
    local name=$1 conns=$2 url=$3 script=$4 out line
    shift 4
    local extra=()
    if (($#)); then extra=(-- "$@"); fi
    out="$W/wrk-$name-$conns.txt"
    echo "-- $name, $conns connections" >&2
    wrk -t"$THREADS" -c"$conns" -d"$DURATION" --timeout 5s --latency -H "$ACCEPT" \
        -s "$script" "$url" "${extra[@]}" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($name)"; }
    line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "wrk printed no result ($name)"; }
    R["$name,$conns"]=$line
    printf '   %s req/s, p50 %s us, p99 %s us\n' "$(field "$line" rps)" "$(field "$line" p50_us)" \
        "$(field "$line" p99_us)" >&2
}

# ---------------------------------------------------------------- nginx
start_nginx() {  # serves natter's answers (fetched from NATTER_URL) as static files; sets NGINX_URL
    local i
    mkdir -p "$W/static" "$W/nginx-tmp"
    python3 bench/seed.py fetch "$NATTER_URL" "$W/static" >"$W/fetch.txt"
    cat "$W/fetch.txt" >&2
    PLAIN_BYTES=$(sed -n 's/^THREAD_PLAIN_BYTES=//p' "$W/fetch.txt")
    GZIP_BYTES=$(sed -n 's/^THREAD_GZIP_BYTES=//p' "$W/fetch.txt")
    chmod 644 "$W/static/"*
    NGINX_PORT=$(python3 bench/seed.py port)
    sed -e "s|@DIR@|$W|g" -e "s|@PORT@|$NGINX_PORT|g" bench/nginx.conf >"$W/nginx.conf"
    "$NGINX" -p "$W" -c "$W/nginx.conf" -e "$W/nginx-error.log" >"$W/nginx.out" 2>&1 &
    NGINX_PID=$!
    NGINX_URL="http://127.0.0.1:$NGINX_PORT"
    for i in $(seq 1 100); do
        python3 bench/seed.py same "$NGINX_URL/thread.json" "$W/static/thread.json.br" >"$W/same.txt" 2>&1 && break
        kill -0 "$NGINX_PID" 2>/dev/null || { cat "$W/nginx.out" "$W/nginx-error.log" >&2; die "nginx did not start"; }
        [ "$i" -lt 100 ] || { cat "$W/same.txt" >&2; die "nginx does not send the thread's bytes"; }
        sleep 0.1
    done
    cat "$W/same.txt" >&2
    python3 bench/seed.py same "$NGINX_URL/thread.json" "$W/static/thread.json.gz" >&2
}
