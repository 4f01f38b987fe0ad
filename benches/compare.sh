#!/usr/bin/env bash
# kzrules against a hand-written evaluator of two rules, as processes, in one run
# (docs/performance.md, "Against a hand-written evaluator"): the same generated cases
# (benches/gen_cases.py, seed 1), JSON Lines in and JSON Lines out, one thread each:
#   - `kzrules check --format json -` with the whole catalog (RAYON_NUM_THREADS=1);
#   - kzrules' library with the two rules alone, and the hand-written evaluator, both
#     through the same reading and writing loop (the `compare` bench binary with
#     KZRULES_COMPARE_PROCESS, benches/compare/main.rs).
#
#   bash benches/compare.sh             # 20,000 cases
#   N=100000 bash benches/compare.sh    # another size
#
# Run by benches/cli.sh too. Needs python3; GNU time (/usr/bin/time) gives peak memory
# when installed.
set -euo pipefail
cd "$(dirname "$0")/.."

n="${N:-20000}"
cargo build --release --quiet
bin="$PWD/target/release/kzrules"
# The bench binary's path: cargo names it in its JSON messages.
compare=$(cargo bench --bench compare --no-run --message-format=json 2> /dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "compare" and m.get("executable"):
        print(m["executable"])')
work="${TMPDIR:-/tmp}/kzrules-bench"
mkdir -p "$work"
if [[ ! -s "$work/$n.jsonl" ]]; then
    python3 benches/gen_cases.py -n "$n" --seed 1 > "$work/$n.jsonl"
fi
echo "== $n cases ($(wc -c < "$work/$n.jsonl") bytes), one thread; load: $(uptime | sed 's/.*load average: //')"

run() {
    local name="$1"
    shift
    for attempt in 1 2 3; do
        local start end seconds peak="?"
        start=$(date +%s%N)
        if [[ -x /usr/bin/time ]]; then
            /usr/bin/time -f "%M" -o "$work/time.txt" "$@" < "$work/$n.jsonl" > "$work/$name.out" || true
            peak=$(tail -n 1 "$work/time.txt")
        else
            "$@" < "$work/$n.jsonl" > "$work/$name.out" || true
        fi
        end=$(date +%s%N)
        seconds=$(awk "BEGIN { print ($end - $start) / 1e9 }")
        printf '%-30s run %d: %6.2f s, %8.0f cases/s, %6.1f MB out, peak RSS %s KiB\n' \
            "$name" "$attempt" "$seconds" "$(awk "BEGIN { print $n / $seconds }")" \
            "$(awk "BEGIN { print $(wc -c < "$work/$name.out") / 1e6 }")" "$peak"
    done
}

run kzrules_check_catalog env RAYON_NUM_THREADS=1 "$bin" check --format json -
run kzrules_library_two_rules env KZRULES_COMPARE_PROCESS=kzrules_two_rules "$compare"
run handwritten env KZRULES_COMPARE_PROCESS=handwritten "$compare"
