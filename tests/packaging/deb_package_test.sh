#!/usr/bin/env bash
# Builds the Debian package from the build tree with CPack, unpacks it into a temporary root and
# checks it as an installed system would use it: the file list, the declared dependencies, the
# binaries running from the unpacked tree, the desktop entry, AppStream metadata, MIME types (by
# name and by content, through shared-mime-info and GIO), the manual pages and the completion.
# usage: deb_package_test.sh BUILD_DIR FIXTURES OUT VERSION
set -euo pipefail
build=$1 fixtures=$2 out=$3 version=$4
rm -rf "$out"
mkdir -p "$out"
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out/cpack" >"$out/cpack.log" 2>&1 ||
    { cat "$out/cpack.log" >&2; exit 1; }
deb=$(find "$out/cpack" -maxdepth 1 -name "pteron_${version}_*.deb")
[[ -f $deb ]] || { echo "no pteron_${version}_*.deb made" >&2; ls "$out/cpack" >&2; exit 1; }
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

# Control fields: the version from CMake, dependencies from the libraries linked.
[[ $(dpkg-deb -f "$deb" Package) == pteron ]] || fail "package name"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "version $(dpkg-deb -f "$deb" Version)"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for needed in libc6 libstdc++6 libqt6widgets6 libqt6svg6 libgvc6 libprotobuf libonnx zlib1g \
    qt6-qpa-plugins; do
    [[ $depends == *"$needed"* ]] || fail "Depends lacks $needed"
done
for test_only in torch catch2 libc10; do
    [[ $depends != *"$test_only"* ]] || fail "Depends names the test-only $test_only"
done

# The files, exactly.
root=$out/root
dpkg-deb -x "$deb" "$root"
(cd "$root" && find . -type f -o -type l | sed 's|^\./||' | sort) >"$out/files"
{
    echo usr/bin/pteron
    echo usr/bin/pteron-gui
    echo usr/share/applications/org.pteron.pteron.desktop
    echo usr/share/bash-completion/completions/pteron
    echo usr/share/bash-completion/completions/pteron-gui
    for size in 16 24 32 48 64 128 256; do
        echo "usr/share/icons/hicolor/${size}x${size}/apps/org.pteron.pteron.png"
    done
    echo usr/share/icons/hicolor/scalable/apps/org.pteron.pteron.svg
    echo usr/share/man/man1/pteron-gui.1.gz
    echo usr/share/man/man1/pteron.1.gz
    echo usr/share/metainfo/org.pteron.pteron.metainfo.xml
    echo usr/share/mime/packages/pteron.xml
    echo usr/share/pteron/backend_palette.json
    for schema in info run run-check run-trace; do
        echo "usr/share/pteron/schemas/pteron-$schema.v1.schema.json"
    done
} | sort >"$out/expected-files"
diff -u "$out/expected-files" "$out/files" || fail "the package's files differ from the list above"

# The binaries run from the unpacked tree and find their resources there.
bin=$root/usr/bin
[[ $("$bin/pteron" --version) =~ ^pteron\ $version ]] || fail "pteron --version"
[[ $(env -u DISPLAY QT_QPA_PLATFORM=offscreen "$bin/pteron-gui" --version) =~ ^pteron-gui\ $version ]] ||
    fail "pteron-gui --version"
"$bin/pteron" info "$fixtures/pte/cc_linear_xnnpack_int8.pte" >"$out/info.txt" ||
    fail "pteron info from the package"
grep -q "XnnpackBackend" "$out/info.txt" || fail "pteron info shows no XnnpackBackend partition"
# Rendering loads Graphviz's dot layout plugin from its own folder (the binary's run path).
"$bin/pteron" render "$fixtures/tosa/tosaser_test_add_1x4x4x4_f32.tosa" -o "$out/add.svg" ||
    fail "pteron render from the package"
grep -q "<svg" "$out/add.svg" || fail "pteron render wrote no SVG"
QT_QPA_PLATFORM=offscreen "$bin/pteron-gui" --screenshot "$out/shot.png" \
    "$fixtures/tosa/tosaser_test_add_1x4x4x4_f32.tosa" 2>"$out/gui.err" ||
    fail "pteron-gui --screenshot from the package: $(cat "$out/gui.err")"
for lib in $(ldd "$bin/pteron" "$bin/pteron-gui" | grep -o '=> [^ ]*' | cut -c4- | sort -u); do
    [[ $lib != "$build"* ]] || fail "a binary loads $lib from the build tree"
done
ldd "$bin/pteron" "$bin/pteron-gui" | grep -q "not found" && fail "a library is not found"

# Desktop integration, as the Debian tools check it.
apps=$root/usr/share/applications
desktop-file-validate "$apps/org.pteron.pteron.desktop" || fail "desktop-file-validate"
grep -qx 'Exec=pteron-gui %F' "$apps/org.pteron.pteron.desktop" || fail "Exec is not pteron-gui %F"
appstreamcli validate --no-net "$root/usr/share/metainfo/org.pteron.pteron.metainfo.xml" ||
    fail "appstreamcli validate"
grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/org.pteron.pteron.metainfo.xml" ||
    fail "the metainfo names another release than $version"
mime_xml=$root/usr/share/mime/packages/pteron.xml
xmllint --noout "$mime_xml" || fail "xmllint $mime_xml"
# Every type the desktop entry claims is defined.
mime_types=$(sed -n 's/^MimeType=//p' "$apps/org.pteron.pteron.desktop" | tr ';' ' ')
for type in $mime_types; do
    grep -q "type=\"$type\"" "$mime_xml" || fail "MimeType $type is not defined in pteron.xml"
done
for size in 16 48 256; do
    png=$root/usr/share/icons/hicolor/${size}x${size}/apps/org.pteron.pteron.png
    [[ $(file -b "$png") == "PNG image data, $size x $size, 8-bit/color RGBA, non-interlaced" ]] ||
        fail "$png: $(file -b "$png")"
done

# The MIME database built from the system's types and ours: by file name and by content.
data=$out/xdg-data
mkdir -p "$data/mime/packages"
cp /usr/share/mime/packages/freedesktop.org.xml "$mime_xml" "$data/mime/packages/"
update-mime-database "$data/mime" >"$out/update-mime-database.log" 2>&1 ||
    fail "update-mime-database: $(cat "$out/update-mime-database.log")"
mkdir -p "$out/no-extension"
content_type() {
    XDG_DATA_DIRS=$data XDG_DATA_HOME=$out/no-home gio info -a standard::content-type "$1" |
        sed -n 's/.*standard::content-type: //p'
}
while read -r fixture type; do
    [[ $(content_type "$fixtures/$fixture") == "$type" ]] ||
        fail "$fixture by name: $(content_type "$fixtures/$fixture"), expected $type"
    # The same bytes without a telling name are recognised by their magic.
    [[ $type == application/x-vela-tflite ]] && continue
    copy=$out/no-extension/$(basename "${fixture%.*}")
    cp "$fixtures/$fixture" "$copy"
    [[ $(content_type "$copy") == "$type" ]] ||
        fail "$fixture by content: $(content_type "$copy"), expected $type"
done <<'LIST'
pte/cc_linear_xnnpack_int8.pte application/x-executorch-program
../oracles/bpte/et_module_test_bundled_program.bpte application/x-executorch-bundled-program
ptd/et_linear_external.ptd application/x-executorch-data
etdump/et_tutorial_etdump.etdp application/x-executorch-etdump
tosa/arm_mv2_ethosu55_tag1.tosa application/x-tosa
vgf/vgflib_single_maxpool_graph_v0_4_3.vgf application/x-vgf
tflite/paddle_hello_world_int8_vela.tflite application/x-vela-tflite
tflite/himax_person_int8_model.tflite application/x-tflite
LIST
# A VGF written before the FourCC starts with the little-endian u32 0xF0E1D2C3.
printf '\xc3\xd2\xe1\xf0\0\0\0\0' >"$out/no-extension/legacy-vgf"
[[ $(content_type "$out/no-extension/legacy-vgf") == application/x-vgf ]] ||
    fail "legacy VGF magic: $(content_type "$out/no-extension/legacy-vgf")"

# Manual pages: they render without warnings and document every command and option --help does.
man_dir=$root/usr/share/man/man1
for page in pteron pteron-gui; do
    warnings=$(MANWIDTH=100 man --warnings -l "$man_dir/$page.1.gz" 2>&1 >"$out/$page.man") ||
        fail "man -l $page.1.gz"
    [[ -z $warnings ]] || fail "man $page warns: $warnings"
done
"$bin/pteron" --help >"$out/overview"
for command in $(sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' "$out/overview" | sort -u); do
    grep -q "^   $command\$" "$out/pteron.man" || fail "pteron(1) has no section for $command"
    for option in $("$bin/pteron" "$command" --help | grep -oE '^  (-[a-z], )?--[a-z-]+' |
        grep -oE -- '--[a-z-]+$'); do
        grep -q -- "$option" "$out/pteron.man" || fail "pteron(1) does not mention $option"
    done
done
for option in $(QT_QPA_PLATFORM=offscreen "$bin/pteron-gui" --help | grep -oE -- '--[a-z-]+' | sort -u); do
    grep -q -- "$option" "$out/pteron-gui.man" || fail "pteron-gui(1) does not mention $option"
done

# Bash completion: commands, options, option values and file types.
completion=$root/usr/share/bash-completion/completions
mkdir -p "$out/completion"
touch "$out/completion/model.pte" "$out/completion/data.ptd" "$out/completion/notes.txt"
complete_words() {
    (
        cd "$out/completion"
        # shellcheck disable=SC1090
        source "$completion/$1"
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        "_${COMP_WORDS[0]//-/_}"
        printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
    )
}
expect_completion() {
    local expected=$1
    shift
    local got
    got=$(complete_words "$@")
    [[ $got == "$expected" ]] || fail "completing '$*': '$got', expected '$expected'"
}
expect_completion "info " pteron pteron in
expect_completion "--help --version " pteron pteron --
expect_completion "render run " pteron pteron r
expect_completion "--registers " pteron pteron ethosu --reg
expect_completion "data.ptd model.pte " pteron pteron info ""
expect_completion "data.ptd " pteron pteron info model.pte --ptd ""
expect_completion "svg " pteron pteron render model.pte --format s
expect_completion "mapping model-explorer node-data " pteron pteron export --to ""
expect_completion "--screenshot --select --stripes " pteron-gui pteron-gui --s
expect_completion "data.ptd model.pte " pteron-gui pteron-gui ""

[[ $failures == 0 ]] || { echo "$failures failures" >&2; exit 1; }
echo "the package installs, runs and integrates as expected"
