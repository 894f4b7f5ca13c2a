/*
 * pvr - which Processor Version Register values this POWER host's kvm-hv
 * lets a vCPU have.
 *
 *   pvr [PVR...]
 *
 * Prints the KVM capabilities the ppc rows depend on, the PVR that
 * KVM_GET_SREGS gives a fresh vCPU (the host's), then for every PVR (by
 * default: other POWER9 revisions, POWER8, POWER8E, POWER10) whether
 * KVM_SET_SREGS accepts it, and which architected compatibility levels
 * KVM_REG_PPC_ARCH_COMPAT accepts.  QEMU's 2017 PVR workaround exists
 * because kvm-hv refuses every PVR but the host's.
 *
 * It also prints the answers to the two capabilities the kernel companion
 * (linux/) adds: KVM_CAP_PPC_GTSE (0 = a kernel without it, Debian's;
 * 1 = guests may use GTSE; 2 = they must not: a nested hypervisor its own
 * hypervisor gave no GTSE) and KVM_CAP_PPC_PVR_COMPAT (0 = exact PVR only;
 * 1 = KVM_SET_SREGS takes a compatible revision), asked both of the
 * system (/dev/kvm) and of the VM, as QEMU asks them.
 */
#include "probe.h"

/* The numbers the kernel companion proposes (linux/0001, 0002), for
 * uapi headers that do not have them yet. */
#ifndef KVM_CAP_PPC_GTSE
#define KVM_CAP_PPC_GTSE 250
#endif
#ifndef KVM_CAP_PPC_PVR_COMPAT
#define KVM_CAP_PPC_PVR_COMPAT 251
#endif

static const struct {
    const char *name;
    uint32_t pvr;
} known[] = {
    { "POWER8E_v2.1", 0x004b0201 }, { "POWER8_v2.0", 0x004d0200 },
    { "POWER9_v2.0", 0x004e1200 }, { "POWER9_v2.2", 0x004e1202 },
    { "POWER9_v2.3", 0x004e1203 }, { "POWER10_v2.0", 0x00801200 },
};

static const char *name_of(uint32_t pvr)
{
    unsigned i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (known[i].pvr == pvr) {
            return known[i].name;
        }
    }
    return "?";
}

static void try_pvr(int vcpu, uint32_t pvr)
{
    struct kvm_sregs s;

    if (ioctl(vcpu, KVM_GET_SREGS, &s)) {
        die("KVM_GET_SREGS");
    }
    s.pvr = pvr;
    if (ioctl(vcpu, KVM_SET_SREGS, &s)) {
        printf("pvr: set 0x%08x (%s): %s\n", pvr, name_of(pvr),
               errno == EINVAL ? "EINVAL" : strerror(errno));
    } else {
        printf("pvr: set 0x%08x (%s): accepted\n", pvr, name_of(pvr));
    }
}

int main(int argc, char **argv)
{
    static const struct { const char *name; long cap; } caps[] = {
        { "MMU_RADIX", KVM_CAP_PPC_MMU_RADIX },
        { "MMU_HASH_V3", KVM_CAP_PPC_MMU_HASH_V3 },
        { "NESTED_HV", KVM_CAP_PPC_NESTED_HV },
        { "RPT_INVALIDATE", KVM_CAP_PPC_RPT_INVALIDATE },
        { "IRQ_XIVE", KVM_CAP_PPC_IRQ_XIVE },
    };
    int kvm = kvm_open("pvr"), vm, vcpu, i;
    struct kvm_sregs s;
    uint32_t host;

    for (i = 0; i < (int)(sizeof(caps) / sizeof(caps[0])); i++) {
        printf("pvr: cap %s %d\n", caps[i].name, kvm_check(kvm, caps[i].cap));
    }
    vm = vm_create(kvm, KVM_VM_PPC_HV);
    /* One line for both answers (system; VM), the kmod rows read it. */
    printf("pvr: kmod caps PPC_GTSE %d/%d PPC_PVR_COMPAT %d/%d\n",
           kvm_check(kvm, KVM_CAP_PPC_GTSE), kvm_check(vm, KVM_CAP_PPC_GTSE),
           kvm_check(kvm, KVM_CAP_PPC_PVR_COMPAT),
           kvm_check(vm, KVM_CAP_PPC_PVR_COMPAT));
    vcpu = vcpu_create(vm, 0);
    if (ioctl(vcpu, KVM_GET_SREGS, &s)) {
        die("KVM_GET_SREGS");
    }
    host = s.pvr;
    printf("pvr: host 0x%08x (%s)\n", host, name_of(host));
    try_pvr(vcpu, host);
    if (argc > 1) {
        for (i = 1; i < argc; i++) {
            try_pvr(vcpu, strtoul(argv[i], NULL, 0));
        }
    } else {
        for (i = 0; i < (int)(sizeof(known) / sizeof(known[0])); i++) {
            if (known[i].pvr != host) {
                try_pvr(vcpu, known[i].pvr);
            }
        }
    }
    for (i = 4; i <= 6; i++) {
        uint64_t compat = 0x0f000000 | i;
        int r = set_reg(vcpu, KVM_REG_PPC_ARCH_COMPAT, &compat);
        printf("pvr: arch_compat 0x%08llx (power%d): %s\n",
               (unsigned long long)compat, i + 4,
               r ? (r == -EINVAL ? "EINVAL" : strerror(-r)) : "accepted");
    }
    return 0;
}
