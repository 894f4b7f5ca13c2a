# Devices of the KVM build's qemu-system-ppc64 (scripts/build.sh,
# --without-default-devices): the lab's L2 QEMU runs a pseries guest
# (lab/labrun/l2.py; libvirt adds its spapr-vio NVRAM and VTY).
CONFIG_PSERIES=y
