# l1lib.sh - helpers for the lab's L1 jobs (busybox sh; sourced by /init).
#
# A job (job.sh, written by lab/run) is a list of calls to the functions
# below.  They run the L2 QEMU under test (/q/VARIANT, started through its
# own ld.so and libraries), drive it over QMP with /bin/qmp and report to
# lab/run on the console, one fact per line:
#
#   @@ res TAG KEY=VALUE...     what happened to the L2 guest TAG
#   @@ log TAG.FILE: LINE       a line of an L2 log (stderr, console, QMP)
#   @@ probe LINE               output of a KVM probe
#
# TAG names one L2 QEMU: "<column>.src" / "<column>.dst" style names chosen
# by lab/run.  Nothing here decides pass or fail: lab/run judges.

KREL=$(uname -r)
case $(uname -m) in
aarch64) CON=ttyAMA0 ;;
ppc64le) CON=hvc0 ;;
esac
L2APPEND0="console=$CON quiet panic=-1"
L2APPEND=$L2APPEND0

# The waits below poll while an L2 guest boots on this L1's one vCPU: each
# process they start is CPU taken from that guest (measured: polling with
# ten processes five times a second slowed an arm64 L2 boot from 5 s to
# 7-9 s), so they use the shell's builtins and one process per round.
# centis [UPTIME]: UPTIME (default: now), "S.CC" as /proc/uptime gives it,
# in hundredths of a second.
centis() {
    local u=${1:-}
    [ -n "$u" ] || read -r u _ </proc/uptime
    echo $(( ${u%.*} * 100 + 1${u#*.} - 100 ))
}
now() { local u; read -r u _ </proc/uptime; echo "$u"; }
# elapsed START [END]: seconds from START to END (now values; END
# default: now), integer.
elapsed() { echo $(( ($(centis "${2:-}") - $(centis "$1")) / 100 )); }
# upto SECONDS: set DEADLINE; past: whether it has passed (no process).
upto() { local u; read -r u _ </proc/uptime; DEADLINE=$(( ${u%.*} + $1 )); }
past() { local u; read -r u _ </proc/uptime; [ "${u%.*}" -ge "$DEADLINE" ]; }
say() { echo "@@ $*"; }

disk_by_serial() {
    local d
    for d in /sys/block/vd*; do
        [ "$(cat "$d/serial" 2>/dev/null)" = "$1" ] && echo "/dev/${d##*/}"
    done
}
port_by_name() {
    local p
    for p in /sys/class/virtio-ports/*; do
        [ "$(cat "$p/name" 2>/dev/null)" = "$1" ] && echo "/dev/${p##*/}"
    done
}

# The migration URI over the virtio-serial port NAME (to the other L1): one
# read-write open shared by a reader and a writer, so the stream and the
# return path both pass through it.
port_uri() {
    local dev
    dev=$(port_by_name "$1")
    [ -n "$dev" ] || { say note "no virtio-serial port $1"; dev=/dev/null; }
    echo "exec:sh -c 'exec 3<>$dev; cat <&3 & exec cat >&3'"
}

qmp_() { local t=$1; shift; qmp "/run/$t.qmp" "$@"; }
alive() {
    local p=
    read -r p 2>/dev/null <"/tmp/$1.pid"
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null
}
# oopsed: this L1's kernel oopsed (taint flag D, 128: set by every oops)
oopsed() { local t=0; read -r t </proc/sys/kernel/tainted; [ $((t & 128)) -ne 0 ]; }
# json_num KEY: the first number value of KEY in the JSON on stdin.
json_num() { sed -n "s/.*\"$1\": *\([0-9][0-9]*\).*/\1/p" | head -1; }
# json_str KEY: the first string value of KEY in the JSON on stdin.
json_str() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" | head -1; }

# l2_start TAG VARIANT ARG...: start the L2 QEMU VARIANT with the lab's L2
# guest (this L1's kernel + the tick initrd); waits for QMP.
l2_start() {
    local tag=$1 v=$2
    shift 2
    rm -f "/run/$tag.qmp" "/tmp/$tag.con"
    if [ ! -x "/q/$v/qemu" ]; then
        say res "$tag" start=missing-variant
        return 1
    fi
    echo "/q/$v/qemu $*" >"/tmp/$tag.cmd"
    "/q/$v/run" -nodefaults -display none -smp 1 \
        -serial "file:/tmp/$tag.con" \
        -qmp "unix:/run/$tag.qmp,server=on,wait=off" \
        -kernel "/l2/kernel-$KREL" -initrd /l2/initrd -append "$L2APPEND" \
        "$@" >"/tmp/$tag.err" 2>&1 &
    echo $! >"/tmp/$tag.pid"
    if ! qmp -w 30 "/run/$tag.qmp" query-status >/dev/null 2>&1; then
        sleep 0.3
        say res "$tag" start=failed
        return 1
    fi
    return 0
}

l2_stop() {
    local pid
    pid=$(cat "/tmp/$1.pid" 2>/dev/null) || return 0
    qmp_ "$1" quit >/dev/null 2>&1
    local i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$pid" 2>/dev/null
    return 0
}

# ticks TAG first|last|ge [N]: the "tick N" lines of TAG's guest console
# (its text cut at anything but [0-9a-z ]): the first or the last number,
# or (ge) whether tick N or a later one came.  One process: wait_tick
# calls it every round.
ticks() {
    awk -v what="$2" -v n="${3:-0}" '{
        k = split($0, part, /[^0-9a-z ]/)
        for (i = 1; i <= k; i++)
            if (part[i] ~ /^tick [0-9]+$/) {
                t = substr(part[i], 6) + 0
                if (first == "") first = t
                last = t
                if (t >= n) ge = 1
            }
    } END {
        if (what == "ge") exit !ge
        print (what == "first" ? first : last)
    }' "/tmp/$1.con" 2>/dev/null
}
last_tick() { ticks "$1" last; }
first_tick() { ticks "$1" first; }
tick_ge() { ticks "$1" ge "$2"; }

# wait_tick TAG N SECONDS: until the guest printed tick N (or later).
wait_tick() {
    upto "$3"
    until past; do
        tick_ge "$1" "$2" && return 0
        alive "$1" || return 1
        # this L1's kernel oopsed under the guest (e.g. in kvm-hv): the
        # QEMU process lives on without its vCPU thread, no tick will come
        oopsed && return 1
        sleep 0.25
    done
    return 1
}

# wait_migrate TAG SECONDS: poll query-migrate until it ends; prints the
# final status (and sets MIG_ERR to its error-desc).
wait_migrate() {
    local r s
    upto "$2"
    MIG_ERR=
    while :; do
        r=$(qmp_ "$1" query-migrate 2>&1)
        case $r in
        *'"status": "completed"'*) s=completed ;;
        *'"status": "failed"'*) s=failed ;;
        *'"status": "cancelled"'*) s=cancelled ;;
        *) s= ;;
        esac
        if [ -n "$s" ]; then
            MIG_ERR=$(echo "$r" | json_str error-desc)
            echo "$r" >>"/tmp/$1.qmplog"
            echo "$s"
            return 0
        fi
        if ! alive "$1"; then echo exited; return 0; fi
        if past; then
            echo "$r" >>"/tmp/$1.qmplog"
            qmp_ "$1" migrate_cancel >/dev/null 2>&1
            echo timeout
            return 0
        fi
        sleep 0.25
    done
}

# mmu_of TAG WHO: the mmu_features a guest's kernel printed on the console
# of TAG ("WHO mmu_features=0x..."; ppc64, 0x1000 = GTSE), or nothing.
mmu_of() {
    sed -n "s/.*$2 mmu_features=\(0x[0-9a-f]*\).*/\1/p" "/tmp/$1.con" 2>/dev/null | head -1
}

# pvr_of TAG: the PVR the ppc64 guest of TAG last printed ("guest pvr=...",
# printed at boot and whenever it changes), or nothing.
pvr_of() {
    sed -n 's/.*guest pvr=\(0x[0-9a-f]*\).*/\1/p' "/tmp/$1.con" 2>/dev/null | tail -1
}

# dump TAG: copy the L2's logs to the console for lab/run.
dump() {
    local f
    for f in err con qmplog cmd; do
        [ -s "/tmp/$1.$f" ] || continue
        tr -d '\r' <"/tmp/$1.$f" | tail -n 60 | sed "s|^|@@ log $1.$f: |"
    done
}

set_caps() {
    # set_caps TAG CAP...: enable migration capabilities.
    local tag=$1 list= c
    shift
    for c in "$@"; do
        list="$list${list:+,}{\"capability\":\"$c\",\"state\":true}"
    done
    [ -n "$list" ] && qmp_ "$tag" migrate-set-capabilities "{\"capabilities\":[$list]}" \
        >>"/tmp/$tag.qmplog" 2>&1
}

# migrated_regs TAG: the KVM registers the (arm64) L2 TAG would migrate, as
# its first CPU's x-migrated-regs property lists them ([{"id": N, "name":
# "..."}, ...]), one "@@ log TAG.regs: 0x<id> (<name>)" line each; nothing
# where QEMU lacks the property (stock).
migrated_regs() {
    qmp_ "$1" qom-get \
        '{"path":"/machine/unattached/device[0]","property":"x-migrated-regs"}' \
        2>/dev/null | tr '}' '\n' |
        sed -nE 's/.*"id": *([0-9]+)(, *"name": *"([^"]*)")?.*/\1 \3/p' |
        while read -r id name; do
            printf '@@ log %s.regs: 0x%x%s\n' "$1" "$id" "${name:+ ($name)}"
        done
}

# src TAG VARIANT STATE URI CAPS ARG...: run the source L2 (STATE running:
# boot until tick 3; stopped: the same, then `stop` just before migrating;
# paused: -S, never started), migrate it to URI and
# report.  After a failed or refused migration of a running guest, check the
# guest still runs and can still migrate (to a file).
src() {
    local tag=$1 v=$2 state=$3 uri=$4 caps=$5 t0 st tick
    shift 5
    t0=$(now)
    if [ "$state" = paused ]; then set -- "$@" -S; fi
    l2_start "$tag" "$v" "$@" || { dump "$tag"; return 0; }
    if [ "$state" != paused ]; then
        if ! wait_tick "$tag" 3 120; then
            say res "$tag" boot=failed
            dump "$tag"
            l2_stop "$tag"
            return 0
        fi
    fi
    migrated_regs "$tag"
    # shellcheck disable=SC2086
    set_caps "$tag" $caps
    [ "$state" = stopped ] && qmp_ "$tag" stop >>"/tmp/$tag.qmplog" 2>&1
    tick=$(last_tick "$tag")
    local tm
    tm=$(now)
    qmp_ "$tag" migrate "{\"uri\":\"$uri\"}" >>"/tmp/$tag.qmplog" 2>&1
    st=$(wait_migrate "$tag" 300)
    local mq
    mq=$(qmp_ "$tag" query-migrate 2>/dev/null)
    MIG_ERR=$(echo "$mq" | json_str error-desc)
    say res "$tag" up=$(now) src=$st src_tick=${tick:-0} mig_s=$(elapsed "$tm") \
        boot_s=$(elapsed "$t0" "$tm") \
        total_ms=$(echo "$mq" | json_num total-time) \
        downtime_ms=$(echo "$mq" | json_num downtime) mmu=$(mmu_of "$tag" guest) \
        pvr=$(pvr_of "$tag")
    [ -n "$MIG_ERR" ] && say res "$tag" src_error="$MIG_ERR"
    if [ -n "$PORT" ] && [ "$st" = completed ]; then
        # live: the stream is out; what became of it is the destination
        # L1's verdict (as a management layer would learn it)
        local verdict
        verdict=$(ctl_recv "$tag" 300)
        say res "$tag" verdict=${verdict:-none}
        if [ "$verdict" != running ] && alive "$tag"; then
            st=refused
            qmp_ "$tag" cont >>"/tmp/$tag.qmplog" 2>&1
        fi
    fi
    if [ "$st" != completed ] && [ "$state" != paused ] && alive "$tag"; then
        [ "$state" = stopped ] && qmp_ "$tag" cont >>"/tmp/$tag.qmplog" 2>&1
        local before=$(last_tick "$tag")
        if wait_tick "$tag" $((before + 2)) 20; then
            st=$(qmp_ "$tag" migrate '{"uri":"file:/tmp/retry.mig"}' >/dev/null 2>&1
                 wait_migrate "$tag" 120)
            say res "$tag" after=running retry=$st
            rm -f /tmp/retry.mig
        else
            say res "$tag" after=stopped
        fi
    fi
    dump "$tag"
    l2_stop "$tag"
}

# dst TAG VARIANT URI CAPS MINTICK ARG...: start the destination L2 with
# -incoming defer, load from URI, run it (cont if needed) and wait for a
# tick >= MINTICK (the guest goes on where it stopped).
dst() {
    local tag=$1 v=$2 uri=$3 caps=$4 mintick=$5 t0 s r
    shift 5
    l2_start "$tag" "$v" "$@" -incoming defer || { dump "$tag"; return 0; }
    migrated_regs "$tag"
    # shellcheck disable=SC2086
    set_caps "$tag" $caps
    t0=$(now)
    upto 300
    qmp_ "$tag" migrate-incoming "{\"uri\":\"$uri\"}" >>"/tmp/$tag.qmplog" 2>&1
    while :; do
        r=$(qmp_ "$tag" query-status 2>/dev/null)
        case $r in
        *'"status": "inmigrate"'*) ;;
        *'"status": '*) s=$(echo "$r" | json_str status); break ;;
        esac
        if ! alive "$tag"; then s=exited; break; fi
        if past; then s=timeout; break; fi
        sleep 0.25
    done
    local load_s
    load_s=$(elapsed "$t0")
    case $s in
    exited|timeout)
        sleep 0.2
        say res "$tag" up=$(now) dst=$s load_s=$load_s
        # live: swallow the rest of the stream so the source can finish
        [ -n "$PORT" ] && { cat "$(port_by_name "$PORT")" >/dev/null 2>&1 & }
        ;;
    *)
        [ "$s" = running ] || qmp_ "$tag" cont >>"/tmp/$tag.qmplog" 2>&1
        s=stuck
        if wait_tick "$tag" "$mintick" 60; then
            s=running
            say res "$tag" up=$(now) dst=running load_s=$load_s \
                dst_tick=$(first_tick "$tag") pvr=$(pvr_of "$tag")
        else
            say res "$tag" dst=stuck load_s=$load_s state=$s dst_tick=$(first_tick "$tag")
        fi
        ;;
    esac
    [ -n "$PORT" ] && ctl_send "$tag" "$s"
    dump "$tag"
    l2_stop "$tag"
}

# ctl_send TAG WORD / ctl_recv TAG SECONDS: the verdict of a live migration,
# from the destination L1 to the source L1 over the virtio-serial port "ctl".
# The write is in the background: a source whose migration failed before
# the stream ended may be done and powered off, and a port whose other end
# is gone blocks its writer (which held the row until its L1 timed out).
ctl_send() {
    local p
    p=$(port_by_name ctl)
    [ -n "$p" ] || return 0
    echo "${1%.*} $2" >"$p" &
}
ctl_recv() {
    local p line
    p=$(port_by_name ctl)
    [ -n "$p" ] || return 0
    while read -r -t "$2" line <"$p"; do
        case $line in "${1%.*} "*) echo "${line#* }"; return 0 ;; esac
    done
}

# carry_out / carry_in: the streams in /tmp/out travel as a tar on the
# virtio disk whose serial is "carry".
carry_out() {
    local d
    d=$(disk_by_serial carry)
    [ -n "$d" ] || { say note "no carry disk"; return 0; }
    tar cf "$d" -C /tmp/out . && sync
    say carry "$(ls /tmp/out | wc -l) files $(du -sk /tmp/out | cut -f1) KiB"
}
carry_in() {
    local d
    d=$(disk_by_serial carry)
    [ -n "$d" ] && tar xf "$d" -C /tmp/in 2>/dev/null
    say carry "$(ls /tmp/in | wc -l) files"
}

# probe NAME ARG...: run a KVM probe, its lines marked for lab/run.
probe() {
    command -v "$1" >/dev/null || return 0
    "$@" 2>&1 | sed 's/^/@@ probe /'
}

# (KMOD_ROOT and SYS_MODULE stand for /lib/modules and /sys/module in
# tests/52-lab-kmod.sh.)
# kmod_load KIND: load the KVM modules of /lib/modules/KIND (the kernel
# companion's, lab/images' kmod layer) in the order of its `load` file;
# prints nothing when all loaded, else "MODULE: insmod's message (the
# kernel's own reason from dmesg)" for the first that did not.
kmod_load() {
    local d=${KMOD_ROOT:-/lib/modules}/$1 m out why n
    [ -s "$d/load" ] || { echo "no $d/load (lab/images did not add the kmod layer)"; return 0; }
    for m in $(cat "$d/load"); do
        n=$(dmesg 2>/dev/null | wc -l)
        if ! out=$(insmod "$d/$m" 2>&1); then
            # the kernel's own words, logged by this insmod (dmesg is
            # not cleared: the mmu_features line is read from it later)
            why=$(dmesg 2>/dev/null | tail -n +$((n + 1)) | sed 's/^\[[ 0-9.]*\] //' |
                  tail -n 2 | tr '\n' ' ')
            echo "$m: ${out:-insmod failed}${why:+ (kernel: ${why% })}"
            return 0
        fi
    done
}

# kmod_report KIND: which KVM modules run, for lab/run: KIND and, for
# patched ones, each loaded module's GNU build ID (its note in
# /sys/module/M/notes: a 16-byte header, then the ID) against the one
# lab/images recorded; a mismatch, or a module without its note, says the
# wrong module runs.  (Debian builds without MODULE_SRCVERSION_ALL: no
# srcversion to compare.)
kmod_report() {
    local m n got want line=$1
    [ "$1" = debian ] && { echo debian; return 0; }
    for m in kvm kvm-hv; do
        n=$(echo "$m" | tr - _)
        got=$(od -An -v -tx1 -j 16 \
              "${SYS_MODULE:-/sys/module}/$n/notes/.note.gnu.build-id" 2>/dev/null |
              tr -d ' \n')
        want=$(sed -n "s/^$m.ko .*build-id=\([^ ]*\).*/\1/p" \
               "${KMOD_ROOT:-/lib/modules}/$1/info" 2>/dev/null)
        line="$line $m=${got:-absent}"
        [ -n "$got" ] && [ "$got" = "$want" ] || line="$line(built:${want:-?})"
    done
    echo "$line"
}

# layer OFFSET_MIB SIZE_MIB: unpack one newc layer (a QEMU under test) from
# the disk whose serial is "payload" (used where the initrd is too small).
layer() {
    local d
    d=$(disk_by_serial payload)
    [ -n "$d" ] || { say note "no payload disk"; return 0; }
    (cd / && dd if="$d" bs=1M skip="$1" count="$2" 2>/dev/null | cpio -id 2>/dev/null)
}

# nested TAG HV_VARIANT L3_VARIANT L2_MACHINE_PROPS L2_APPEND [L3_MACHINE_PROPS
#        [HV_KMOD]]: the 4-level
# case.  This L1 runs an L2 that is itself a KVM host (kvm-hv loaded by
# /lab/l2-hv-init), which runs the L3 tick guest with the QEMU L3_VARIANT.
# The L2 initrd is put together here from L1's own files.  Reports
# l3=ticking when the L3 guest reaches tick 3, l3=oops on a kernel oops.
nested() {
    local tag=$1 hv=$2 v=$3 props=$4 app=$5 l3props=${6:-} kmod=${7:-debian} t0 s
    local stage=/tmp/l2hv
    mkdir -p "$stage/lab"
    cp /lab/l2-hv-init "$stage/init"
    { echo "L3_VARIANT=$v"; echo "L3_MACHINE='$l3props'"; echo "L2_KMOD=$kmod"
    } >"$stage/lab/l3.conf"
    (cd / && { echo bin; echo bin/busybox; echo bin/sh; echo bin/pvr; echo lab
               echo lab/l1lib.sh; find share
               echo l2; echo l2/initrd; echo "l2/kernel-$KREL"
               echo lib; echo lib/modules; find "lib/modules/$KREL"
               [ "$kmod" = debian ] || find "lib/modules/$kmod"
               echo q; find "q/$v"; } | cpio -o -H newc 2>/dev/null) >/tmp/l2hv.cpio
    (cd "$stage" && find . -mindepth 1 | cpio -o -H newc 2>/dev/null) >>/tmp/l2hv.cpio
    say note "L2 hypervisor initrd $(du -k /tmp/l2hv.cpio | cut -f1) KiB"
    L2APPEND="console=$CON quiet $app" l2_start "$tag" "$hv" \
        -M "pseries,x-vof=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off,$props" \
        -accel kvm -cpu host -m 1G -initrd /tmp/l2hv.cpio ||
        { dump "$tag"; return 0; }
    rm -f /tmp/l2hv.cpio
    t0=$(now)
    s=timeout
    upto 400
    until past; do
        if tick_ge "$tag" 3; then s=ticking; break; fi
        if grep -qE 'Oops|Kernel panic|sig: [0-9]' "/tmp/$tag.con" 2>/dev/null; then
            sleep 2; s=oops; break
        fi
        alive "$tag" || { s=exited; break; }
        sleep 0.5
    done
    say res "$tag" up=$(now) l3=$s l3_s=$(elapsed "$t0") \
        l2_mmu=$(mmu_of "$tag" l2hv) l3_mmu=$(mmu_of "$tag" guest)
    # the L2 hypervisor's modules and probe ("@@ l2 kmod ...", "@@ l2 probe
    # ..."), whatever the length of its console: "@@ l2 TAG kmod|probe ..."
    tr -d '\r' <"/tmp/$tag.con" 2>/dev/null |
        sed -n "s/.*@@ l2 \(kmod\|probe\) /@@ l2 $tag \1 /p"
    dump "$tag"
    l2_stop "$tag"
}

# --- transport = libvirt: libvirtd in each L1, virsh migrate between them ---
# The L1s of a libvirt pair share an L0 network (virtio-net, 10.0.0.0/24):
# the source is 10.0.0.1 (l1-src), the destination 10.0.0.2 (l1-dst).
# libvirtd listens on TCP without auth there; QEMU's migration stream
# takes the same network.
LV_PEER=
virsh_() { LD_LIBRARY_PATH=/lv/lib /usr/bin/virsh -q "$@"; }

# lv_up SIDE: the network, the lab's libvirt configuration (root, no
# cgroups, namespaces, security driver or virtlogd) and libvirtd; reports
# how long the daemon took to answer.
lv_up() {
    local me=1 peer=2 t0 dev
    [ "$1" = dst ] && { me=2 peer=1; }
    LV_PEER=10.0.0.$peer
    hostname "l1-$1"
    mkdir -p /etc/libvirt /var/lib/libvirt/qemu /var/log/libvirt/qemu \
        /var/cache/libvirt/qemu /var/lib/libvirt/images /lab/emu
    [ -e /var/run ] || ln -s /run /var/run
    # libvirt looks up its packaged default user before reading qemu.conf
    printf 'root:x:0:0:root:/root:/bin/sh\nlibvirt-qemu:x:64055:994::/var/lib/libvirt:/bin/false\n' \
        >/etc/passwd
    printf 'root:x:0:\nkvm:x:994:\nlibvirt-qemu:x:64055:\n' >/etc/group
    printf '127.0.0.1 localhost\n10.0.0.1 l1-src\n10.0.0.2 l1-dst\n' >/etc/hosts
    # the guest's kernel path is the same on both sides (the domain XML
    # travels with the migration), each L1 giving its own kernel
    ln -sf "kernel-$KREL" /l2/kernel
    ip link set lo up
    dev=$(ls /sys/class/net | grep -v '^lo$' | head -1)
    ip link set "$dev" up && ip addr add "10.0.0.$me/24" dev "$dev" ||
        say note "no network for libvirt (${dev:-no interface})"
    # keepalive off (both daemons, and qemu.conf's for the peer-to-peer
    # connection): under emulation a daemon busy tearing down a refused
    # QEMU misses its beats, the source drops the connection and loses the
    # destination's reason ("client socket is closed")
    cat >/etc/libvirt/libvirtd.conf <<EOC
listen_tls = 0
listen_tcp = 1
auth_tcp = "none"
auth_unix_rw = "none"
auth_unix_ro = "none"
host_uuid = "00000000-0000-4000-8000-00000000000$me"
log_outputs = "3:file:/tmp/libvirtd.log"
keepalive_interval = -1
EOC
    cat >/etc/libvirt/qemu.conf <<EOC
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
keepalive_interval = -1
EOC
    t0=$(now)
    LD_LIBRARY_PATH=/lv/lib /usr/sbin/libvirtd --listen >/tmp/libvirtd.out 2>&1 &
    echo $! >/tmp/libvirtd.pid
    # (`list`: `version` would need a QEMU in $PATH to ask)
    upto 300
    while ! virsh_ -c qemu:///system list --all >/dev/null 2>&1; do
        if past || ! alive libvirtd; then
            say note "libvirtd did not come up: $(tail -n 3 /tmp/libvirtd.out /tmp/libvirtd.log 2>/dev/null | tr '\n' ' ')"
            return 1
        fi
        sleep 0.5
    done
    say note "libvirtd up in $(elapsed "$t0")s"
}

# lv_emu EMU VARIANT: the wrapper EMU (/lab/emu/..., a domain's
# <emulator>) on this side: the QEMU VARIANT under test.
lv_emu() {
    printf '#!/bin/sh\nexec /q/%s/run "$@"\n' "$2" >"$1"
    chmod 755 "$1"
}

# lv_state NAME: what `virsh domstate` says of NAME here ("gone" when
# libvirt does not know it).
lv_state() {
    local s
    s=$(virsh_ -c qemu:///system domstate "$1" 2>/dev/null | head -1)
    echo "${s:-gone}" | tr ' ' -
}

# lv_logs TAG NAME: the domain's QEMU log (libvirt's command line and QEMU's
# stderr) and the guest's serial log as TAG's err and con logs.
lv_logs() {
    cp "/var/log/libvirt/qemu/$2.log" "/tmp/$1.err" 2>/dev/null
    cp "/tmp/$2.con" "/tmp/$1.con" 2>/dev/null
    tail -n 20 /tmp/libvirtd.log 2>/dev/null | grep -v '^$' >>"/tmp/$1.qmplog"
    dump "$1"
}

# lvsrc TAG NAME VARIANT XML STATE EMU: define and start domain NAME (XML:
# the domain as an operator writes it, its <emulator> EMU running the QEMU
# VARIANT here), wait for the guest to tick, then migrate it peer-to-peer
# to the other L1 (STATE
# running: `virsh migrate --live`; stopped: without --live, libvirt pauses
# the guest for the copy and resumes it where it lands) and report:
# src=completed|failed with virsh's error, the domain's state on both
# sides, and after a refusal whether it ticks on here.
lvsrc() {
    local tag=$1 name=$2 v=$3 xml=$4 emu=$6 live=--live t0 tm rc st out tick verdict
    [ "$5" = stopped ] && live=
    lv_emu "$emu" "$v"
    t0=$(now)
    # define: libvirt probes the emulator's capabilities (once per daemon)
    out=$(virsh_ -c qemu:///system define "$xml" 2>&1) && {
        say res "$tag" define_s=$(elapsed "$t0")
        tm=$(now)
        out=$(virsh_ -c qemu:///system start "$name" 2>&1)
    } || {
        echo "$out" >"/tmp/$tag.qmplog"
        say res "$tag" start=failed
        lv_logs "$tag" "$name"
        return 0
    }
    say res "$tag" start_s=$(elapsed "$tm")
    cat "/run/libvirt/qemu/$name.pid" >"/tmp/$name.pid" 2>/dev/null
    if ! wait_tick "$name" 3 120; then
        say res "$tag" boot=failed
        lv_logs "$tag" "$name"
        return 0
    fi
    upto 300
    while ! virsh_ -c "qemu+tcp://$LV_PEER/system" list --all >/dev/null 2>&1; do
        past && { say note "no libvirtd at $LV_PEER"; break; }
        sleep 0.5
    done
    tick=$(last_tick "$name")
    tm=$(now)
    # shellcheck disable=SC2086
    out=$(virsh_ -c qemu:///system migrate $live --p2p --persistent --undefinesource \
          --verbose "$name" "qemu+tcp://$LV_PEER/system" "tcp://$LV_PEER" 2>&1)
    rc=$?
    echo "$out" | tr '\r' '\n' | grep -v '^$' >"/tmp/$tag.qmplog"
    st=completed
    [ $rc = 0 ] || st=failed
    say res "$tag" up=$(now) src=$st src_tick=${tick:-0} mig_s=$(elapsed "$tm") \
        boot_s=$(elapsed "$t0" "$tm") \
        lv_src_state=$(lv_state "$name") pvr=$(pvr_of "$name")
    # (virsh's error may follow its last progress line on the same line)
    [ $rc = 0 ] || say res "$tag" src_error="$(grep -o 'error: .*' "/tmp/$tag.qmplog" | tail -n 1)"
    ctl_send "$tag" "$st"
    verdict=$(ctl_recv "$tag" 300)
    say res "$tag" verdict=${verdict:-none}
    if [ "$st" != completed ]; then
        local before
        before=$(last_tick "$name")
        if [ "$(lv_state "$name")" = running ] && wait_tick "$name" $((before + 2)) 20; then
            say res "$tag" after=running
        else
            say res "$tag" after=stopped
        fi
    fi
    lv_logs "$tag" "$name"
    virsh_ -c qemu:///system destroy "$name" >/dev/null 2>&1
}

# lvdst TAG NAME VARIANT MINTICK EMU: the destination of NAME: its
# emulator EMU here runs the QEMU VARIANT; once the source reports (over
# "ctl"), the domain's state here and whether the guest ticks on from
# MINTICK.
lvdst() {
    local tag=$1 name=$2 v=$3 mintick=$4 emu=$5 word s t0
    lv_emu "$emu" "$v"
    # libvirt probes an emulator once per daemon: here while the source
    # probes its own and boots the guest, not when the migration arrives
    t0=$(now)
    virsh_ -c qemu:///system domcapabilities --emulatorbin "$emu" \
        --virttype kvm >/dev/null 2>&1
    say res "$tag" caps_s=$(elapsed "$t0")
    word=$(ctl_recv "$tag" 600)
    s=$(lv_state "$name")
    if [ "$s" = running ]; then
        cat "/run/libvirt/qemu/$name.pid" >"/tmp/$name.pid" 2>/dev/null
        if wait_tick "$name" "$mintick" 60; then
            say res "$tag" up=$(now) dst=running dst_tick=$(first_tick "$name") \
                lv_dst_state=running pvr=$(pvr_of "$name")
        else
            s=stuck
            say res "$tag" dst=stuck lv_dst_state=running dst_tick=$(first_tick "$name")
        fi
    else
        say res "$tag" up=$(now) dst=exited lv_dst_state=$s src_said=${word:-none}
    fi
    ctl_send "$tag" "$s"
    lv_logs "$tag" "$name"
    virsh_ -c qemu:///system destroy "$name" >/dev/null 2>&1
}
