# Devices of the host build's qemu-system-ppc64 (scripts/build.sh,
# --without-default-devices): the lab's L0 (powernv8/9/10 and pseries with
# the virtio-pci disks, serial ports and network of lab/labrun/l1.py) and
# the qtests tests/40-qemu.sh runs.
CONFIG_POWERNV=y
CONFIG_PSERIES=y
CONFIG_I2C=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_VIRTIO_SERIAL=y
CONFIG_VIRTIO_NET=y
