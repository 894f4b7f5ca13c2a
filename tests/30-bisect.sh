# Bisectability: every prefix of the series builds in the host, arm and ppc
# configurations (scripts/check-bisect.sh, also "make check-bisect").
. "$(dirname "$0")/lib.sh"
"$TOP/scripts/check-bisect.sh" host arm ppc
