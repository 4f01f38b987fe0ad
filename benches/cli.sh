#!/usr/bin/env bash
# Whole-process measurements of the release binary (docs/performance.md, "The process"):
#   1. `kzrules check case.json` wall time, with hyperfine (or a timed loop without it);
#   2. `kzrules check --format json -` on 10,000 and 100,000 generated cases: wall time,
#      cases per second, and peak memory (maximum resident set size).
#
#   bash benches/cli.sh            # 10k and 100k cases
#   N=1000000 bash benches/cli.sh  # and a third, larger batch
#
# Then benches/compare.sh: kzrules against a hand-written evaluator of two rules.
#
# Needs python3 (benches/gen_cases.py); hyperfine and GNU time (/usr/bin/time) are used
# when installed (`apt-get install -y hyperfine time`).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin="$PWD/target/release/kzrules"
work="${TMPDIR:-/tmp}/kzrules-bench"
mkdir -p "$work"

echo "== inputs (benches/gen_cases.py, seed 1)"
python3 benches/gen_cases.py -n 1 --seed 7 > "$work/case.json"
sizes=(10000 100000)
if [[ -n "${N:-}" ]]; then sizes+=("$N"); fi
for n in "${sizes[@]}"; do
    if [[ ! -s "$work/$n.jsonl" ]]; then
        python3 benches/gen_cases.py -n "$n" --seed 1 > "$work/$n.jsonl"
    fi
    printf '%9s cases: %s bytes\n' "$n" "$(wc -c < "$work/$n.jsonl")"
done

echo "== one case as a process: kzrules check case.json"
if command -v hyperfine > /dev/null; then
    # -N: no shell in between; -i: exit 1 (something late) is a result, not a failure.
    hyperfine -N -i --warmup 20 --runs 200 \
        "$bin check $work/case.json" \
        "$bin check examples/arrival.json" \
        "$bin check --format json examples/arrival.json" \
        "$bin compile"
else
    runs=200
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$bin" check "$work/case.json" > /dev/null || true; done
    end=$(date +%s%N)
    echo "mean of $runs runs: $(( (end - start) / runs / 1000 )) µs"
fi

echo "== batches: kzrules check --format json - < N cases (threads: ${RAYON_NUM_THREADS:-all cores})"
for n in "${sizes[@]}"; do
    for run in 1 2 3; do
        if [[ -x /usr/bin/time ]]; then
            /usr/bin/time -f "%e %M" -o "$work/time.txt" \
                "$bin" check --format json - < "$work/$n.jsonl" > /dev/null || true
            # The last line: GNU time puts "Command exited with non-zero status 1" first.
            read -r seconds peak_kb < <(tail -n 1 "$work/time.txt")
        else
            start=$(date +%s%N)
            "$bin" check --format json - < "$work/$n.jsonl" > /dev/null || true
            end=$(date +%s%N)
            seconds=$(awk "BEGIN { print ($end - $start) / 1e9 }")
            peak_kb="?"
        fi
        rate=$(awk "BEGIN { printf \"%.0f\", $n / $seconds }")
        printf '%9s cases, run %d: %6.2f s, %8s cases/s, peak RSS %s KiB\n' \
            "$n" "$run" "$seconds" "$rate" "$peak_kb"
    done
done

echo "== against a hand-written evaluator of two rules (benches/compare.sh)"
N= bash benches/compare.sh
