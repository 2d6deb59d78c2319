#!/bin/sh
# Wide-file ingest benchmark (hardening item 8): `mdp ingest` of CSVs with thousands of columns.
# Usage: bench/wide.sh MDP_BIN [WIDTHS] [TIMEOUT_S]
#   WIDTHS: column counts (default "100 1000 5000"); TIMEOUT_S: per run (default 300).
# For each width it times three files, each in a fresh platform folder:
#   header  one line of names (the issue's file: no rows, every column VARCHAR for typing)
#   text    a header and one row of text values
#   mixed   a header and two rows: whole numbers, currency, text, dd/mm/yyyy dates and
#           percentages in turn (the end-to-end test's file)
# and prints wall seconds, ingest's own seconds (reading, typing, swap) and peak RSS. The rest
# of the wall time is mostly DuckDB saving the table when the warehouse closes. A run past the
# timeout is killed and printed as such; mind the memory of old binaries (GBs per 1,000 columns).
set -eu
MDP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
WIDTHS=${2:-"100 1000 5000"}
LIMIT=${3:-300}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/mdp-bench-wide-XXXXXX")
trap 'rm -rf "$DIR"' EXIT

gen() { # kind ncols file
    python3 - "$1" "$2" "$3" <<'PY'
import sys
kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def mixed(i, r):
    return [str(i * 10 + r), f'"${i % 999 + 1},{r}00.50"', f'x{i}',
            f'{13 + r:02d}/{i % 9 + 1:02d}/2024', f'{r + 1}2.5%'][i % 5]
with open(path, 'w') as f:
    f.write(','.join(f'c{i}' for i in range(n)) + '\n')
    if kind == 'text':
        f.write(','.join(f'x{i}' for i in range(n)) + '\n')
    elif kind == 'mixed':
        for r in range(2):
            f.write(','.join(mixed(i, r) for i in range(n)) + '\n')
PY
}

printf '%-7s %6s %9s %10s %9s %s\n' file cols wall_s ingest_s peak_MB result
for n in $WIDTHS; do
    for kind in header text mixed; do
        p=$DIR/$kind$n
        mkdir -p "$p/sources/bench"
        gen "$kind" "$n" "$p/sources/bench/wide.csv"
        (cd "$p" && "$MDP" -q sync)
        set +e
        (cd "$p" && /usr/bin/time -f '%e %M' -o "$p/time" timeout "$LIMIT" "$MDP" ingest \
            >"$p/out" 2>&1)
        rc=$?
        set -e
        if [ "$rc" -eq 124 ] || ! [ -s "$p/time" ] || grep -q signal "$p/time"; then
            printf '%-7s %6s %9s %10s %9s %s\n' "$kind" "$n" ">$LIMIT" - - "killed at ${LIMIT}s"
            continue
        fi
        secs=$(sed -n 's/.* in \([0-9.]*\) s.*/\1/p' "$p/out" | tail -1)
        tail -1 "$p/time" | awk -v k="$kind" -v n="$n" -v s="${secs:--}" -v rc="$rc" \
            '{ printf "%-7s %6s %9.2f %10s %9.0f %s\n", k, n, $1, s, $2 / 1024, rc ? "failed" : "ok" }'
    done
done
