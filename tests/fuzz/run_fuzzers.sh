#!/usr/bin/env bash
# Runs every fuzz harness of a fuzz build on the fixtures: run_fuzzers.sh BUILD_DIR SECONDS [RUNS].
# Each harness stops after RUNS inputs (default 5000) or SECONDS, whichever comes first; with a
# fixed seed and a fresh corpus a run that stops by count is repeatable. A crash leaves its
# reproducer in the log and the exit code is non-zero. Long runs: a large RUNS and SECONDS.
set -euo pipefail
build="$(cd "$1" && pwd)"
seconds="${2:-60}"
runs="${3:-5000}"
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="${PTERON_FIXTURES:-$here/../../../shared/fixtures}"
work="$build/fuzz-corpus"
rm -rf "$work" # a fresh corpus from the fixtures each time keeps a run repeatable
mkdir -p "$work"

# harness -> fixture folders that seed it
declare -A seeds=(
    [pte_reader]="pte" [tosa_reader]="tosa" [vgf_reader]="vgf" [tflite_reader]="tflite"
    [etdump_reader]="etdump" [onnx_reader]="" [vela_summary_reader]="vela-reports"
    [vela_raw_reader]="" [xnnpack_payload]="" [ethosu_payload]="" [vgf_payload]="vgf"
    [tosa_payload]="tosa" [ptd_reader]="ptd" [bpte_reader]="../oracles/bpte"
    [etrecord_reader]="etrecord"
    [model_explorer_export]="pte tosa vgf tflite etdump vela-reports ptd etrecord"
)

failed=0
for name in "${!seeds[@]}"; do
    corpus="$work/$name"
    mkdir -p "$corpus"
    for folder in ${seeds[$name]}; do
        find "$fixtures/$folder" -type f -size -5M -exec cp -n {} "$corpus/" \;
    done
    log="$work/$name.log"
    if "$build/tests/fuzz/fuzz_$name" -seed=1 -runs="$runs" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -malloc_limit_mb=256 -print_final_stats=1 \
        -dict="$here/formats.dict" -artifact_prefix="$work/$name-" "$corpus" >"$log" 2>&1; then
        executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        echo "fuzz_$name: ok, $executed executions"
    else
        echo "fuzz_$name: FAILED"
        tail -n 60 "$log"
        failed=1
    fi
done
exit $failed
