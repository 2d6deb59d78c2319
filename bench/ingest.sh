#!/bin/sh
# Ingest benchmark: `mdp ingest` beside plain DuckDB (CREATE TABLE AS SELECT * FROM read_csv)
# on the same file in the same run. Usage: bench/ingest.sh MDP_BIN [ROWS] [SEED_PLATFORM]
set -eu
MDP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROWS=${2:-5000000}
SEED=${3:-}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/mdp-bench-XXXXXX")
trap 'rm -rf "$DIR"' EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

# $1: platform dir, $2: csv path relative to it. Prints "plain_s ingest_s".
compare() {
    p=$1; csv=$2
    rm -f "$p/plain.duckdb" "$p/warehouse/data.duckdb"
    t0=$(now)
    "$MDP" --warehouse "$p/plain.duckdb" query --write -c \
        "CREATE TABLE t AS SELECT * FROM read_csv('$p/$csv')" >/dev/null
    t1=$(now)
    (cd "$p" && "$MDP" ingest -q --full-refresh)
    t2=$(now)
    echo "$(elapsed "$t0" "$t1") $(elapsed "$t1" "$t2")"
}

report() { # name rows plain ingest
    printf '%-28s %10s rows  plain DuckDB %7.2f s  mdp ingest %7.2f s  ratio %.2fx  %.0f rows/s\n' \
        "$1" "$2" "$3" "$4" "$(echo "$4 / $3" | bc -l)" "$(echo "$2 / $4" | bc -l)"
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
for run in 1 2; do
    set -- $(compare "$DIR/plain" sources/bench/data.csv)
    report "typed CSV (run $run)" "$ROWS" "$1" "$2"
    set -- $(compare "$DIR/money" sources/bench/data.csv)
    report "currency+dates (run $run)" "$ROWS" "$1" "$2"
done
(cd "$DIR/money" && "$MDP" ingest --full-refresh | sed -n '2,5p')

if [ -n "$SEED" ] && [ -d "$SEED" ]; then
    mkdir -p "$DIR/seed" && cp -r "$SEED/." "$DIR/seed/" && chmod -R u+w "$DIR/seed"
    rows=0; plain=0
    for f in "$DIR"/seed/sources/*/*.csv; do
        rm -f "$DIR/seed/plain.duckdb"
        t0=$(now)
        "$MDP" --warehouse "$DIR/seed/plain.duckdb" query --write -c \
            "CREATE TABLE t AS SELECT * FROM read_csv('$f')" >/dev/null
        t1=$(now)
        plain=$(echo "$plain + $(elapsed "$t0" "$t1")" | bc)
    done
    t0=$(now)
    (cd "$DIR/seed" && "$MDP" ingest -q)
    t1=$(now)
    rows=$("$MDP" --project "$DIR/seed" query --format csv -c \
        "SELECT sum(row_count) FROM _mdp.ingest_state" | tail -1)
    report "seed platform (8 files)" "$rows" "$plain" "$(elapsed "$t0" "$t1")"
fi
