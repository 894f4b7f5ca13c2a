/*
 * reglist - what KVM_GET_REG_LIST gives a vCPU on this arm64 host kernel.
 *
 *   reglist [-l]
 *
 * Two vCPUs, each in its own VM: one with PSCI 0.2 only, one with the
 * features QEMU's "-cpu host" asks for when the host has them (PMUv3,
 * pointer authentication, SVE).  For each it prints the register count,
 * the PSCI version firmware register, whether the registers that come and
 * go between kernel versions are listed, and ID_AA64MMFR2_EL1.NV; with -l
 * every register index as well.  Then, for the ID register fields of the
 * features newer kernels add (FEAT_SCTLR2, FEAT_ATS1A), whether the field
 * is set, whether KVM lets userspace clear it before the vCPU first runs,
 * and whether SCTLR2_EL1 then leaves the register list.  These are the
 * facts behind the lab's arm-regs rows: a migration stream holds exactly
 * the source's list.
 */
#include "probe.h"

#define SYSREG(op0, op1, crn, crm, op2) \
    (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | \
     ((uint64_t)(op0) << 14) | ((op1) << 11) | ((crn) << 7) | \
     ((crm) << 3) | (op2))

static const struct {
    const char *name;
    uint64_t id;
} watched[] = {
    { "VENDOR_HYP_BMAP_2", KVM_REG_ARM_VENDOR_HYP_BMAP_2 },
    { "SCTLR2_EL1", SYSREG(3, 0, 1, 0, 3) },
    { "TCR2_EL1", SYSREG(3, 0, 2, 0, 3) },
    { "PIRE0_EL1", SYSREG(3, 0, 10, 2, 2) },
    { "PIR_EL1", SYSREG(3, 0, 10, 2, 3) },
};

/* KVM_ARM_VCPU_INIT with the preferred target and FEATURES. */
static void vcpu_init(int vm, int vcpu, uint32_t features, const char *label)
{
    struct kvm_vcpu_init init;

    if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init)) {
        die("KVM_ARM_PREFERRED_TARGET");
    }
    memset(init.features, 0, sizeof(init.features));
    init.features[0] = features;
    if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)) {
        die("KVM_ARM_VCPU_INIT(%s)", label);
    }
}

/* KVM_GET_REG_LIST, in a buffer of the right size; free() it. */
static struct kvm_reg_list *get_list(int vcpu)
{
    struct kvm_reg_list probe_list = { .n = 0 }, *regs;

    ioctl(vcpu, KVM_GET_REG_LIST, &probe_list);     /* E2BIG, sets n */
    regs = calloc(1, sizeof(*regs) + probe_list.n * sizeof(uint64_t));
    regs->n = probe_list.n;
    if (ioctl(vcpu, KVM_GET_REG_LIST, regs)) {
        die("KVM_GET_REG_LIST");
    }
    return regs;
}

static int listed(const struct kvm_reg_list *regs, uint64_t id)
{
    unsigned i;

    for (i = 0; i < regs->n; i++) {
        if (regs->reg[i] == id) {
            return 1;
        }
    }
    return 0;
}

static void probe(int kvm, const char *label, uint32_t features, int list)
{
    struct kvm_reg_list *regs;
    uint64_t v;
    int vm = vm_create(kvm, 0), vcpu = vcpu_create(vm, 0);
    unsigned i, j;

    vcpu_init(vm, vcpu, features, label);
    if (features & (1u << KVM_ARM_VCPU_SVE)) {
        int what = KVM_ARM_VCPU_SVE;
        if (ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &what)) {
            die("KVM_ARM_VCPU_FINALIZE(SVE)");
        }
    }
    regs = get_list(vcpu);
    printf("reglist: %s: %llu registers\n", label, (unsigned long long)regs->n);
    if (!get_reg(vcpu, KVM_REG_ARM_PSCI_VERSION, &v)) {
        printf("reglist: %s: PSCI version 0x%llx (%llu.%llu)\n", label,
               (unsigned long long)v, (unsigned long long)(v >> 16),
               (unsigned long long)(v & 0xffff));
    }
    for (j = 0; j < sizeof(watched) / sizeof(watched[0]); j++) {
        printf("reglist: %s: %-17s 0x%016llx %s\n", label, watched[j].name,
               (unsigned long long)watched[j].id,
               listed(regs, watched[j].id) ? "listed" : "absent");
    }
    if (!get_reg(vcpu, SYSREG(3, 0, 0, 7, 2), &v)) {
        printf("reglist: %s: ID_AA64MMFR2_EL1 0x%016llx (NV=%llu)\n", label,
               (unsigned long long)v, (unsigned long long)((v >> 24) & 0xf));
    }
    for (i = 0; list && i < regs->n; i++) {
        printf("reglist: %s: reg 0x%016llx\n", label,
               (unsigned long long)regs->reg[i]);
    }
    free(regs);
    close(vcpu);
    close(vm);
}

static const struct {
    const char *feat;
    const char *reg;
    uint64_t id;
    unsigned shift;
} fields[] = {
    { "FEAT_SCTLR2", "ID_AA64MMFR3_EL1", SYSREG(3, 0, 0, 7, 3), 4 },
    { "FEAT_ATS1A", "ID_AA64ISAR2_EL1", SYSREG(3, 0, 0, 6, 2), 60 },
};

/* Can the features newer kernels add be hidden from a guest? */
static void hide_features(int kvm, uint32_t features)
{
    struct kvm_reg_list *regs;
    int vm = vm_create(kvm, 0), vcpu = vcpu_create(vm, 0);
    unsigned j;

    /* no SVE: it would need KVM_ARM_VCPU_FINALIZE first */
    vcpu_init(vm, vcpu, features & ~(1u << KVM_ARM_VCPU_SVE), "hide");
    for (j = 0; j < sizeof(fields) / sizeof(fields[0]); j++) {
        uint64_t v, nv;
        unsigned f;

        if (get_reg(vcpu, fields[j].id, &v)) {
            printf("reglist: hide: %s: %s unreadable\n", fields[j].feat,
                   fields[j].reg);
            continue;
        }
        f = (v >> fields[j].shift) & 0xf;
        nv = v & ~(0xfULL << fields[j].shift);
        printf("reglist: hide: %s: %s.%u = %u, clearing it %s\n",
               fields[j].feat, fields[j].reg, fields[j].shift, f,
               !f ? "not needed" :
               set_reg(vcpu, fields[j].id, &nv) ? strerror(errno) : "works");
    }
    regs = get_list(vcpu);
    printf("reglist: hide: SCTLR2_EL1 then %s\n",
           listed(regs, SYSREG(3, 0, 1, 0, 3)) ? "listed" : "absent");
    free(regs);
    close(vcpu);
    close(vm);
}

int main(int argc, char **argv)
{
    int list = argc > 1 && !strcmp(argv[1], "-l");
    int kvm = kvm_open("reglist");
    uint32_t host = 1u << KVM_ARM_VCPU_PSCI_0_2;

    probe(kvm, "psci", 1u << KVM_ARM_VCPU_PSCI_0_2, list);
    if (kvm_check(kvm, KVM_CAP_ARM_PMU_V3)) {
        host |= 1u << KVM_ARM_VCPU_PMU_V3;
    }
    if (kvm_check(kvm, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
        kvm_check(kvm, KVM_CAP_ARM_PTRAUTH_GENERIC)) {
        host |= 1u << KVM_ARM_VCPU_PTRAUTH_ADDRESS;
        host |= 1u << KVM_ARM_VCPU_PTRAUTH_GENERIC;
    }
    if (kvm_check(kvm, KVM_CAP_ARM_SVE)) {
        host |= 1u << KVM_ARM_VCPU_SVE;
    }
    printf("reglist: host features 0x%x\n", host);
    probe(kvm, "host", host, list);
    hide_features(kvm, host);
    return 0;
}
