# The series' unit tests again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer: they feed malformed register and feature
# names and PVRs to the parsing and decision code, which must refuse them
# without any memory or UB error.  Only the test's own objects are rebuilt
# (from the host build's compile commands, sanitizer flags added); the rest
# of QEMU it links against is the ordinary build.
. "$(dirname "$0")/lib.sh"

B=$TOP/build/host
S=$TOP/build/tests/sanitizers
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1

cmd_of() { (cd "$B" && ninja -t commands "$1" | tail -1); }

sanitized() {   # sanitized TEST: build tests/unit/TEST with sanitizers, run it
    local t=$1 out=$S/$1 objs o c link
    rm -rf "$out"
    mkdir -p "$out"
    ninja -C "$B" "tests/unit/$t" >/dev/null || return 1  # its libraries
    objs=$(cd "$B" && ninja -t query "tests/unit/$t" |
           sed -n 's|^ *\(tests/unit/'"$t"'\.p/.*\.o\)$|\1|p')
    [ -n "$objs" ] || { echo "no objects for $t"; return 1; }
    link=$(cmd_of "tests/unit/$t")
    for o in $objs; do
        c=$(cmd_of "$o" | sed -e 's/ -MD -MQ [^ ]* -MF [^ ]*//')
        c=${c/ -o $o / -o $out/${o##*/} }
        (cd "$B" && sh -c "$c $SAN") || return 1
        link=${link/ $o / $out/${o##*/} }
    done
    link=${link/ -o tests\/unit\/$t / -o $out/$t }
    (cd "$B" && sh -c "$link $SAN") || return 1
    (cd "$B" && "$out/$t")
}

for t in "${SERIES_UNIT_TESTS[@]}"; do
    t "ASan+UBSan: $t" sanitized "$t"
done
