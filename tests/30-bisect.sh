# Bisectability: every prefix of the series builds in the host, arm and ppc
# configurations (scripts/check-bisect.sh, the same as "make check-bisect").
# Rebuilding the 27 prefixes of v1 three times took 18.6 minutes on 2 cores with a
# warm ccache and costs far more cold: more than CI's budget allows next
# to the rest, so "make check" runs it only with CHECK_BISECT=1; run
# "make check-bisect" before sending the series.
. "$(dirname "$0")/lib.sh"

if [ "${CHECK_BISECT:-0}" != 1 ]; then
    skip "bisect: every prefix builds" "CHECK_BISECT=1 or make check-bisect"
    exit 0
fi
"$TOP/scripts/check-bisect.sh" host arm ppc
