#!/usr/bin/env bash
# natter's import benchmark: time and peak memory (maximum resident set, by
# /usr/bin/time) of `natter import` for N comments of each format, from the
# repository root:
#
#   bench/import.sh [NATTER_BINARY ...]
#
# With no binary, builds and measures target/release/natter; given several
# (say an older build), measures each on the same files. The files are
# written by bench/import_files.py (N/20 pages of 20 comments, replies in
# chains of four); natter's JSON is the `natter export` of the WordPress
# import. Prints a Markdown table.
#
# Settings (environment):
#   BENCH_IMPORT_COMMENTS  comments per file (default: 100000)
#   CARGO_TARGET_DIR       where cargo builds (default: target)
#   BENCH_KEEP=1           keep the temp directory

set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
N=${BENCH_IMPORT_COMMENTS:-100000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

if (($# == 0)); then
    cargo build --release --quiet --bin natter
    set -- "$CARGO_TARGET_DIR/release/natter"
fi

W=$(mktemp -d)
[ "${BENCH_KEEP:-}" = 1 ] || trap 'rm -rf "$W"' EXIT
python3 bench/import_files.py "$W/files" "$N"

# One import into a fresh database; prints "seconds | MiB" or "refused".
measure() {  # $1 binary, $2 format, $3 file, $4 database
    "$1" site add blog --origin https://blog.example.org --database "$4" >/dev/null
    if /usr/bin/time -f '%e %M' -o "$W/time" "$1" import "$2" "$3" --site blog --database "$4" >"$W/out" 2>"$W/err" \
        && grep -q "comments imported: $N" "$W/out"; then
        read -r secs kib <"$W/time"
        printf '%s s | %s MiB' "$secs" "$((kib / 1024))"
    else
        printf 'refused (%s)' "$(tail -c 120 "$W/err" | tr '\n' ' ')"
    fi
}

echo "| binary | format | file | time | peak memory |"
echo "|---|---|---|---|---|"
i=0
for bin in "$@"; do
    i=$((i + 1))
    for f in wordpress:wordpress.xml disqus:disqus.xml isso:isso.db isso:isso-generic.json json:natter.json; do
        format=${f%%:*} file=$W/files/${f#*:}
        if [ "${f#*:}" = natter.json ]; then
            "$bin" export --database "$W/db-$i-wordpress.xml" --output "$file" >/dev/null
        fi
        result=$(measure "$bin" "$format" "$file" "$W/db-$i-${f#*:}")
        size=$(du -m "$file" | cut -f1)
        echo "| $bin | $format (${f#*:}) | $size MiB | $result |"
    done
done
