#!/usr/bin/env bash
# firmware.sh: the firmware and option ROMs the +ds source does not ship
# (SLOF, VOF, skiboot, iPXE and SeaBIOS ROMs), from trixie's arch-all
# packages (debian.lock group firmware), unpacked under $CACHE/firmware.
# Prints the directory that holds them all (what QEMU's -L option wants).
. "$(dirname "$0")/lib.sh"

root=$CACHE/firmware
dir=$root/usr/share/qemu
if [ ! -e "$root/.done" ]; then
    debs=$(lock_fetch firmware) || exit 1
    # shellcheck disable=SC2086
    unpack_debs "$root" $debs
    # SeaBIOS's VGA ROMs are looked up in the same directory as the rest.
    for f in "$root.tmp"/usr/share/seabios/*; do
        [ -e "$root.tmp/usr/share/qemu/${f##*/}" ] ||
            ln -s "$root/usr/share/seabios/${f##*/}" "$root.tmp/usr/share/qemu/"
    done
    mv "$root.tmp" "$root"
    touch "$root/.done"
fi
echo "$dir"
