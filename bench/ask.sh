#!/usr/bin/env bash
# bench/ask.sh [MDP_BINARY]: the offline analyst's latency per question, with a warm catalog,
# over the sample platform's eval questions at scales 1 and 10 (BENCH_ASK_SCALES) and over the
# eval sets in tests/evals/. For each set: p50 and p95 of the whole answer (elapsed_ms of
# `mdp ask --json`: planning, SQL and wording, without process start) and of the answer
# without its SQL's own execution (elapsed_ms - query_ms). Prints a Markdown table.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
mdp=${1:-$top/build/mdp}
scales=${BENCH_ASK_SCALES:-"1 10"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# questions CASES: the question of every case, one per line.
questions() {
	sed -n 's/^[[:space:]]*question:[[:space:]]*//p' "$1" | sed 's/^"\(.*\)"$/\1/; s/^'"'"'\(.*\)'"'"'$/\1/'
}

# percentiles FILE: "p50 p95" of the numbers in FILE.
percentiles() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		i50 = int(0.5 * NR + 0.5); i95 = int(0.95 * NR + 0.5); if (i50 < 1) i50 = 1; if (i95 < 1) i95 = 1
		printf "%.1f %.1f\n", v[i50], v[i95] }'
}

# run LABEL PROJECT CASES
run() {
	local label=$1 project=$2 cases=$3 n=0
	: >"$work/all"
	: >"$work/plan"
	"$mdp" --project "$project" catalog >/dev/null
	while IFS= read -r q; do
		"$mdp" --project "$project" ask --json "$q" >"$work/out.json" 2>/dev/null || true
		e=$(sed -n 's/.*"elapsed_ms":\([0-9.]*\).*/\1/p' "$work/out.json")
		x=$(sed -n 's/.*"query_ms":\([0-9.]*\).*/\1/p' "$work/out.json")
		[ -n "$e" ] || continue
		echo "$e" >>"$work/all"
		awk -v e="$e" -v x="${x:-0}" 'BEGIN { printf "%.2f\n", e - x }' >>"$work/plan"
		n=$((n + 1))
	done < <(questions "$cases")
	read -r a50 a95 < <(percentiles "$work/all")
	read -r p50 p95 < <(percentiles "$work/plan")
	echo "| $label | $n | $p50 | $p95 | $a50 | $a95 |"
}

echo "| questions | n | p50 ms without SQL | p95 ms without SQL | p50 ms in all | p95 ms in all |"
echo "|---|---|---|---|---|---|"
for s in $scales; do
	"$mdp" -q setup --project "$work/sample-$s" --scale "$s" >/dev/null
	run "sample platform, scale $s" "$work/sample-$s" "$work/sample-$s/evals/cases.yml"
done
for set in vetclinic saas; do
	cp -r "$top/tests/evals/$set" "$work/$set"
	(cd "$work/$set" && "$mdp" -q pipeline >/dev/null)
	run "eval set $set" "$work/$set" "$work/$set/evals/cases.yml"
done
seed=${MDP_SEED_PLATFORM:-$top/../shared/seed-platform}
[ -d "$seed" ] || seed=/work/shared/seed-platform
cp -r "$seed" "$work/seed" && chmod -R u+w "$work/seed"
(cd "$work/seed" && "$mdp" -q pipeline >/dev/null)
run "eval set seed" "$work/seed" "$top/tests/evals/seed/cases.yml"
