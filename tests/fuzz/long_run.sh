#!/usr/bin/env bash
# Long fuzz runs that add up across sessions: long_run.sh BUILD_DIR TARGET [SECONDS] [HARNESS...]
#
# Each harness keeps its corpus and findings in a state folder outside the build
# ($PTERON_FUZZ_STATE, default ~/.cache/pteron-fuzz), so a run continues where the last one
# stopped. Every chunk of executions is appended to ledger.tsv there (date, revision, harness,
# executions, seconds, result); a harness is skipped once its clean executions reach TARGET.
# SECONDS bounds the whole invocation (default: no bound). Inputs are capped at
# $PTERON_FUZZ_MAX_LEN bytes (default 8192): small inputs run hundreds of times faster than the
# megabyte fixtures they are cut from, and the seeded short runs of run_fuzzers.sh cover the
# full-size files. $PTERON_FUZZ_FLAGS adds libFuzzer flags: -entropic=0 doubles the rate of the
# harnesses whose corpora hold thousands of files, where entropic scheduling's per-feature
# bookkeeping takes more than half of each execution. Exit code: non-zero when any chunk found a
# crash, leak, timeout or OOM.
set -euo pipefail
build="$(cd "$1" && pwd)"
target="${2:?target executions per harness}"
budget="${3:-0}"
shift $(($# < 3 ? $# : 3))
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="${PTERON_FIXTURES:-$here/../../../shared/fixtures}"
state="${PTERON_FUZZ_STATE:-$HOME/.cache/pteron-fuzz}"
max_len="${PTERON_FUZZ_MAX_LEN:-8192}"
chunk="${PTERON_FUZZ_CHUNK:-500000}"
read -r -a extra_flags <<<"${PTERON_FUZZ_FLAGS:-}"
revision="$(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)"
ledger="$state/ledger.tsv"
mkdir -p "$state"
[[ -f "$ledger" ]] || printf 'date\trevision\tharness\texecutions\tseconds\tresult\n' >"$ledger"

# harness -> fixture folders that seed it (the same table as run_fuzzers.sh)
declare -A seeds=(
    [pte_reader]="pte" [tosa_reader]="tosa" [vgf_reader]="vgf" [tflite_reader]="tflite"
    [etdump_reader]="etdump" [onnx_reader]="" [vela_summary_reader]="vela-reports"
    [vela_raw_reader]="" [xnnpack_payload]="" [ethosu_payload]="" [vgf_payload]="vgf"
    [tosa_payload]="tosa" [ptd_reader]="ptd" [bpte_reader]="../oracles/bpte"
    [etrecord_reader]="etrecord"
    [model_explorer_export]="pte tosa vgf tflite etdump vela-reports ptd etrecord"
)
harnesses=("$@")
[[ ${#harnesses[@]} -gt 0 ]] || mapfile -t harnesses < <(printf '%s\n' "${!seeds[@]}" | sort)

clean_total() { # executions of chunks that ended cleanly
    awk -F'\t' -v h="$1" '$3 == h && ($6 == "ok" || $6 == "slow-once") { n += $4 } END { print n + 0 }' "$ledger"
}

# A timeout can be the machine's doing (a niced fuzzer starved by builds). Its reproducer is run
# again alone; when every run finishes within the limit the chunk counts as clean ("slow-once")
# and the reproducer is kept beside the log.
replays_in_time() { # harness reproducer
    "$build/tests/fuzz/fuzz_$1" -runs=3 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 "$2" \
        >"$2.replay.log" 2>&1
}

started=$SECONDS
failed=0
for name in "${harnesses[@]}"; do
    corpus="$state/$name/corpus"
    if [[ ! -d "$corpus" ]]; then
        mkdir -p "$corpus"
        for folder in ${seeds[$name]}; do
            find "$fixtures/$folder" -type f -size -5M -exec cp -n {} "$corpus/" \;
        done
    fi
    # One run per harness at a time: two would share the corpus and the log, and a chunk's
    # executions would be read from the other's output.
    exec {lock}>"$state/$name/lock"
    if ! flock -n "$lock"; then
        echo "fuzz_$name: another long run holds it; skipped"
        exec {lock}>&-
        continue
    fi
    while (($(clean_total "$name") < target)); do
        left=$((target - $(clean_total "$name")))
        runs=$((left < chunk ? left : chunk))
        time_limit=0
        if ((budget > 0)); then
            time_limit=$((budget - (SECONDS - started)))
            ((time_limit > 0)) || break 2
        fi
        log="$state/$name/last.log"
        t0=$SECONDS
        result=ok
        "$build/tests/fuzz/fuzz_$name" -runs="$runs" -max_total_time="$time_limit" -max_len="$max_len" \
            -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 -print_final_stats=1 \
            "${extra_flags[@]}" -dict="$here/formats.dict" -artifact_prefix="$state/$name/finding-" "$corpus" \
            >"$log" 2>&1 || result=finding
        if [[ $result != ok ]] && grep -q 'SUMMARY: libFuzzer: timeout' "$log"; then
            reproducer=$(grep -o "Test unit written to .*" "$log" | tail -n 1 | cut -d' ' -f5-)
            if [[ -f $reproducer ]] && replays_in_time "$name" "$reproducer"; then
                result=slow-once
                mv "$reproducer" "${reproducer/finding-/slow-once-}"
            fi
        fi
        executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$revision" "$name" "$executed" \
            $((SECONDS - t0)) "$result" >>"$ledger"
        if [[ $result != ok && $result != slow-once ]]; then
            echo "fuzz_$name: FINDING (log and reproducer in $state/$name)"
            tail -n 60 "$log"
            failed=1
            break
        fi
        ((executed > 0)) || break
    done
    exec {lock}>&-
done

echo "harness                    clean executions   findings"
for name in "${harnesses[@]}"; do
    findings=$(awk -F'\t' -v h="$name" '$3 == h && $6 != "ok" && $6 != "slow-once"' "$ledger" | wc -l)
    printf '%-26s %16s   %s\n' "$name" "$(clean_total "$name")" "$findings"
done
exit $failed
