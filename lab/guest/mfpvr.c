/*
 * mfpvr - print the PVR this CPU shows now ("0x%08x").
 *
 * mfpvr is privileged; Linux emulates it for user space with the live
 * register, not the value cached at boot that /proc/cpuinfo shows, so the
 * lab's L2 guest sees the PVR change when a migration lands it on a host
 * of another revision.
 */
#include <stdio.h>

int main(void)
{
    unsigned long pvr;

    asm volatile("mfpvr %0" : "=r"(pvr));
    printf("0x%08lx\n", pvr);
    return 0;
}
