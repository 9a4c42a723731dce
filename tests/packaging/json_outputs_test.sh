#!/usr/bin/env bash
# Runs pteron's JSON-printing commands on real fixtures and checks every document against the
# installed schemas (resources/schemas) with python3-jsonschema.
# usage: json_outputs_test.sh PTERON SCHEMAS FIXTURES OUT
set -euo pipefail
pteron=$1 schemas=$2 fixtures=$3 out=$4
validate=(/usr/bin/python3 "$(dirname "$0")/validate_json.py" --also-broken)
rm -rf "$out"
mkdir -p "$out/info"

# exit_code OUT CMD...: runs CMD with its standard output to OUT and prints its exit code,
# without stopping the script.
exit_code() {
    local out=$1 code=0
    shift
    "$@" >"$out" || code=$?
    echo "$code"
}

# info --json on every fixture file a reader opens (a .ptd is a companion, read with --ptd), and
# on each .bpte oracle.
opened=0
unreadable=()
while IFS= read -r -d '' file; do
    json="$out/info/$opened.json"
    if "$pteron" info --json "$file" >"$json" 2>/dev/null; then
        opened=$((opened + 1))
    else
        unreadable+=("${file#"$fixtures"/}")
    fi
done < <(find "$fixtures" "$fixtures/../oracles/bpte" -type f \( -name '*.pte' -o -name '*.bpte' \
    -o -name '*.etdp' -o -name '*.tosa' -o -name '*.vgf' -o -name '*.tflite' \
    -o -name '*.csv' \) -print0 | sort -z)
"$pteron" info --json "$fixtures/pte/et_linear_external.pte" --ptd "$fixtures/ptd/et_linear_external.ptd" \
    >"$out/info/with_ptd.json"
echo "info --json: $opened fixtures opened; not readable: ${unreadable[*]:-none}"
# The corrupt program is the one fixture that must not open; everything else must.
if [[ ${unreadable[*]:-} != "pte/cc_corrupt_NOT_A_PTE.pte" || $opened -lt 35 ]]; then
    echo "expected every fixture but pte/cc_corrupt_NOT_A_PTE.pte to open" >&2
    exit 1
fi
"${validate[@]}" "$schemas/pteron-info.v1.schema.json" "$out"/info/*.json

# run --json with --trace: the report and trace.json.
code=$(exit_code "$out/run-tosa.json" "$pteron" run "$fixtures/tosa/tosa4spirv_simple_maxpool2d.tosa" \
    --seed 3 --trace -o "$out/run-tosa" --json)
[[ $code == 0 ]] || { echo "run --json on the TOSA fixture: exit $code" >&2; exit 1; }
code=$(exit_code "$out/run-pte.json" "$pteron" run "$fixtures/pte/cc_linear_xnnpack_int8.pte" \
    --seed 1 --trace -o "$out/run-pte" --json)
[[ $code == 0 ]] || { echo "run --json on the XNNPACK program: exit $code" >&2; exit 1; }
"${validate[@]}" "$schemas/pteron-run.v1.schema.json" "$out/run-tosa.json" "$out/run-pte.json"
"${validate[@]}" "$schemas/pteron-run-trace.v1.schema.json" "$out/run-tosa/trace.json" \
    "$out/run-pte/trace.json"

# run --check --json: a program that runs (exit 0) and a VGF whose SPIR-V is a placeholder
# (exit 3).
code=$(exit_code "$out/check-runs.json" "$pteron" run --check --json \
    "$fixtures/pte/cc_linear_xnnpack_int8.pte")
[[ $code == 0 ]] || { echo "run --check on the XNNPACK program: exit $code" >&2; exit 1; }
code=$(exit_code "$out/check-placeholder.json" "$pteron" run --check --json \
    "$fixtures/vgf/vgflib_single_maxpool_graph_v0_4_3.vgf")
[[ $code == 3 ]] || { echo "run --check on the placeholder VGF: exit $code, expected 3" >&2; exit 1; }
"${validate[@]}" "$schemas/pteron-run-check.v1.schema.json" "$out/check-runs.json" \
    "$out/check-placeholder.json"
