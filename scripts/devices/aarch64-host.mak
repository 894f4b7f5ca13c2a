# Devices of the host build's qemu-system-aarch64 (scripts/build.sh,
# --without-default-devices): the lab's L0 (the virt board with the
# virtio-pci disks, serial ports and network of lab/labrun/l1.py) and the
# qtests tests/40-qemu.sh runs.
CONFIG_ARM_VIRT=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_VIRTIO_SERIAL=y
CONFIG_VIRTIO_NET=y
