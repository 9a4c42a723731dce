#!/usr/bin/env bash
# The command-line conventions of pteron and pteron-gui: --version, --help for the program and
# for every command main.cpp dispatches (stdout, exit 0), every accepted option documented in its
# command's help, usage errors on stderr with exit 1, unreadable input exit 2.
# usage: cli_conventions_test.sh PTERON PTERON_GUI|- SOURCE_DIR VERSION FIXTURES OUT
set -euo pipefail
pteron=$1 gui=$2 source=$3 version=$4 fixtures=$5 out=$6
rm -rf "$out"
mkdir -p "$out"
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# matches FILE REGEX: "^$" means empty, "" anything, else an extended regex over the whole
# text (newlines included).
matches() {
    case $2 in
    "^$") [[ ! -s $1 ]] ;;
    "") true ;;
    *) grep -Eqz -- "$2" "$1" ;;
    esac
}

# check EXPECTED_CODE STDOUT_REGEX STDERR_REGEX CMD...: runs CMD, compares the exit code and
# matches stdout and stderr.
check() {
    local expected=$1 stdout_re=$2 stderr_re=$3
    shift 3
    local code=0
    "$@" >"$out/stdout" 2>"$out/stderr" || code=$?
    [[ $code == "$expected" ]] || fail "$*: exit $code, expected $expected"
    matches "$out/stdout" "$stdout_re" ||
        fail "$*: stdout does not match '$stdout_re': $(head -c 300 "$out/stdout")"
    matches "$out/stderr" "$stderr_re" ||
        fail "$*: stderr does not match '$stderr_re': $(head -c 300 "$out/stderr")"
}

# check_version PROGRAM CMD...: exactly one line, "PROGRAM VERSION" with an optional git revision.
check_version() {
    local program=$1
    shift
    check 0 "" "^$" "$@"
    [[ $(wc -l <"$out/stdout") == 1 && $(<"$out/stdout") =~ ^$program\ $version(\ \(git\ [0-9a-z.-]+\))?$ ]] ||
        fail "$*: prints '$(<"$out/stdout")', expected '$program $version [(git REVISION)]'"
}

check_version pteron "$pteron" --version
check 0 "^usage: pteron COMMAND" "^$" "$pteron" --help
check 0 "^usage: pteron COMMAND" "^$" "$pteron" -h
check 0 "^usage: pteron COMMAND" "^$" "$pteron" help
check 1 "^$" "usage: pteron COMMAND" "$pteron"
check 1 "^$" "unknown command frobnicate" "$pteron" frobnicate
check 1 "^$" "unknown command frobnicate" "$pteron" frobnicate --help
check 2 "^$" "no_such_file.pte" "$pteron" info "$fixtures/pte/no_such_file.pte"
check 2 "^$" "cc_corrupt_NOT_A_PTE.pte" "$pteron" nodes "$fixtures/pte/cc_corrupt_NOT_A_PTE.pte"

# Every command main.cpp dispatches, read from its source so that a new one cannot be missed.
mapfile -t commands < <(grep -oE 'command == "[a-z][a-z-]*"' "$source/app/cli/main.cpp" |
    sed -E 's/.*"(.*)"/\1/' | grep -vx help | sort -u)
[[ ${#commands[@]} -ge 6 ]] || fail "found only ${#commands[@]} commands in main.cpp"
"$pteron" --help >"$out/overview"
for command in "${commands[@]}"; do
    grep -Eq "^  $command " "$out/overview" || fail "pteron --help does not list $command"
    check 0 "^usage: pteron $command " "^$" "$pteron" "$command" --help
    cp "$out/stdout" "$out/help-$command"
    check 0 "^usage: pteron $command " "^$" "$pteron" "$command" -h
    check 0 "^usage: pteron $command " "^$" "$pteron" help "$command"
    cmp -s "$out/stdout" "$out/help-$command" || fail "pteron help $command differs from --help"
    check 1 "^$" "unknown option --no-such-option" "$pteron" "$command" --no-such-option x
    # The options the command's parser accepts (its kFlags and kValued lists) are all documented.
    file="$source/app/cli/${command}_command.cpp"
    [[ -f $file ]] || { fail "no $file for command $command"; continue; }
    mapfile -t accepted < <(perl -0777 -ne 'while (/k(?:Flags|Valued)\s*\{(.*?)\}/sg) { print "$1\n" }' \
        "$file" | grep -oE '"--[a-z-]+"' | tr -d '"' | sort -u)
    grep -q expandShortOutput "$file" && accepted+=("-o")
    [[ ${#accepted[@]} -ge 1 ]] || fail "no option lists found in $file"
    for option in "${accepted[@]}"; do
        grep -Eq -- "(^|[ ,])$option( |,|$)" "$out/help-$command" ||
            fail "pteron $command accepts $option but its --help does not document it"
    done
    echo "pteron $command: --help documents ${#accepted[@]} accepted options"
done

if [[ $gui != - ]]; then
    # --version and --help answer without a display.
    check_version pteron-gui env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$gui" --version
    check 0 "Usage: .*--screenshot" "^$" env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM \
        "$gui" --help
    export QT_QPA_PLATFORM=offscreen
    check 1 "^$" "Unknown option 'no-such-option'" "$gui" --no-such-option
    check 1 "^$" "--screenshot takes exactly one FILE" "$gui" --screenshot "$out/shot.png"
    check 2 "^$" "no_such_file.pte" "$gui" --screenshot "$out/shot.png" "$fixtures/pte/no_such_file.pte"
    check 2 "^$" "cc_corrupt_NOT_A_PTE.pte" "$gui" --screenshot "$out/shot.png" \
        "$fixtures/pte/cc_corrupt_NOT_A_PTE.pte"
    check 0 "^$" "" "$gui" --screenshot "$out/shot.png" "$fixtures/tosa/tosaser_test_add_1x4x4x4_f32.tosa"
    [[ $(head -c 8 "$out/shot.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
        fail "pteron-gui --screenshot wrote no PNG"
fi

[[ $failures == 0 ]] || { echo "$failures failures" >&2; exit 1; }
echo "all command-line conventions hold"
