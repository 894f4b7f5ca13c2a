/*
 * probe.h - the few helpers the lab's KVM probes share (in the manner of
 * tools/testing/selftests/kvm): open /dev/kvm, create a VM and a vCPU,
 * read and write one register, die with a message.
 */
#ifndef LAB_PROBE_H
#define LAB_PROBE_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kvm.h>

static inline void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", strerror(errno));
    exit(1);
}

/* Open /dev/kvm; print the kernel release once (every probe line is read
 * together with the kernel that produced it). */
static inline int kvm_open(const char *probe)
{
    struct utsname u;
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (kvm < 0) {
        die("%s: open /dev/kvm", probe);
    }
    uname(&u);
    printf("%s: kernel %s\n", probe, u.release);
    return kvm;
}

static inline int kvm_check(int kvm, long cap)
{
    int r = ioctl(kvm, KVM_CHECK_EXTENSION, cap);

    return r < 0 ? 0 : r;
}

static inline int vm_create(int kvm, unsigned long type)
{
    int vm = ioctl(kvm, KVM_CREATE_VM, type);

    if (vm < 0) {
        die("KVM_CREATE_VM");
    }
    return vm;
}

static inline int vcpu_create(int vm, int id)
{
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, id);

    if (vcpu < 0) {
        die("KVM_CREATE_VCPU");
    }
    return vcpu;
}

/* KVM_GET_ONE_REG of a 64-bit (or smaller) register; -errno on failure. */
static inline int get_reg(int vcpu, uint64_t id, uint64_t *val)
{
    struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

    *val = 0;
    return ioctl(vcpu, KVM_GET_ONE_REG, &r) ? -errno : 0;
}

static inline int set_reg(int vcpu, uint64_t id, uint64_t *val)
{
    struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

    return ioctl(vcpu, KVM_SET_ONE_REG, &r) ? -errno : 0;
}

#endif
