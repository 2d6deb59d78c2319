#!/bin/sh
# Ingest benchmark: `mdp ingest` beside plain DuckDB (CREATE TABLE AS SELECT * FROM read_csv)
# on the same file in the same run. Usage: bench/ingest.sh MDP_BIN [ROWS] [SEED_PLATFORM]
set -eu
MDP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROWS=${2:-5000000}
SEED=${3:-}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/mdp-bench-XXXXXX")
trap 'rm -rf "$DIR"' EXIT


# $1: platform dir, $2: csv path relative to it, $3: the plain SELECT list (default *).
# Prints "plain_wall plain_cpu ingest_wall ingest_cpu" (cpu = user + sys, steadier than wall
# time on a shared machine).
compare() {
    p=$1; csv=$2; sel=${3:-*}
    rm -f "$p/plain.duckdb" "$p/warehouse/data.duckdb"
    /usr/bin/time -f '%e %U %S' -o "$p/t1" "$MDP" --warehouse "$p/plain.duckdb" query --write \
        -c "CREATE TABLE t AS SELECT $sel FROM read_csv('$p/$csv')" >/dev/null
    (cd "$p" && /usr/bin/time -f '%e %U %S' -o "$p/t2" "$MDP" ingest -q --full-refresh)
    awk '{ printf "%s %.2f ", $1, $2 + $3 }' "$p/t1" "$p/t2"; echo
}

report() { # name rows plain_wall plain_cpu ingest_wall ingest_cpu
    printf '%-30s %9s rows  plain %6.2f s (cpu %6.2f)  ingest %6.2f s (cpu %6.2f)  ratio wall %.2fx cpu %.2fx  %.0f rows/s\n' \
        "$1" "$2" "$3" "$4" "$5" "$6" "$(echo "$5 / $3" | bc -l)" "$(echo "$6 / $4" | bc -l)" \
        "$(echo "$2 / $5" | bc -l)"
}

gen() { # name rows select-list
    mkdir -p "$DIR/$1/sources/bench"
    "$MDP" --warehouse "$DIR/gen.duckdb" query --write -c \
        "COPY (SELECT $3 FROM range($2) r(i)) TO '$DIR/$1/sources/bench/data.csv' (HEADER)" \
        >/dev/null
    (cd "$DIR/$1" && "$MDP" sync -q)
}

COLS="i AS id, TIMESTAMP '2024-01-01' + INTERVAL (i % 31536000) SECOND AS created_at,
      i % 100000 AS user_id, ['books','games','garden','toys'][1 + i % 4] AS category,
      round((i % 100000) / 7.0, 2) AS amount, 'user' || (i % 5000) || '@example.com' AS email,
      DATE '2020-01-01' + (i % 1500)::INT AS day"
MONEY="i AS id, '\$' || format('{:,}', (i % 100000)) || '.' || lpad((i % 100)::VARCHAR, 2, '0') AS amount,
      strftime(DATE '2020-01-01' + (i % 1500)::INT, '%d/%m/%Y') AS day_text,
      ['books','games','garden','toys'][1 + i % 4] AS category"

gen plain "$ROWS" "$COLS"
gen money "$ROWS" "$MONEY"
echo "file sizes: $(du -h "$DIR/plain/sources/bench/data.csv" | cut -f1) (typed columns)," \
     "$(du -h "$DIR/money/sources/bench/data.csv" | cut -f1) (currency + dd/mm/yyyy text)"
# The currency file beside plain DuckDB as is (amount stays text) and with the same
# conversion written by hand (what smart typing saves a user from writing).
HAND="* REPLACE (CAST(translate(amount, '\$,', '') AS DECIMAL(18,2)) AS amount)"
for run in 1 2; do
    set -- $(compare "$DIR/plain" sources/bench/data.csv)
    report "typed CSV (run $run)" "$ROWS" "$@"
    set -- $(compare "$DIR/money" sources/bench/data.csv)
    report "currency+dates (run $run)" "$ROWS" "$@"
    set -- $(compare "$DIR/money" sources/bench/data.csv "$HAND")
    report "  vs hand conversion (run $run)" "$ROWS" "$@"
done
(cd "$DIR/money" && "$MDP" ingest --full-refresh | sed -n '2,5p')

if [ -n "$SEED" ] && [ -d "$SEED" ]; then
    mkdir -p "$DIR/seed" && cp -r "$SEED/." "$DIR/seed/" && chmod -R u+w "$DIR/seed"
    plain=0; pcpu=0
    for f in "$DIR"/seed/sources/*/*.csv; do
        rm -f "$DIR/seed/plain.duckdb"
        /usr/bin/time -f '%e %U %S' -o "$DIR/t" "$MDP" --warehouse "$DIR/seed/plain.duckdb" \
            query --write -c "CREATE TABLE t AS SELECT * FROM read_csv('$f')" >/dev/null
        plain=$(awk -v a="$plain" '{ print a + $1 }' "$DIR/t")
        pcpu=$(awk -v a="$pcpu" '{ print a + $2 + $3 }' "$DIR/t")
    done
    (cd "$DIR/seed" && /usr/bin/time -f '%e %U %S' -o "$DIR/t" "$MDP" ingest -q)
    rows=$("$MDP" --project "$DIR/seed" query --format csv -c \
        "SELECT sum(row_count) FROM _mdp.ingest_state" | tail -1)
    set -- $(awk '{ printf "%s %.2f", $1, $2 + $3 }' "$DIR/t")
    report "seed platform (8 files)" "$rows" "$plain" "$pcpu" "$1" "$2"
fi
