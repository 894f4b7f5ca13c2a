# Cross-host-kernel migration series v2 on QEMU 11.1.1: topic patch queues,
# builds, lab.  See README.md.  Everything heavy lives in scripts/ and lab/.

VARIANTS ?= series stock
CONFIGS  ?= host arm ppc

.PHONY: all deps fetch tree export status build check check-bisect lab bench \
	where clean lock drift kmod

all: build
	@if [ -x lab/run ]; then lab/run $(LAB_ARGS); else $(MAKE) -s where; fi

deps:
	@scripts/deps.sh

fetch: deps
	@scripts/fetch.sh

# (Re)create qemu/ from the base and every topic of patches/topics, or
# with TOPIC=NAME from patches/NAME alone (refuses to drop work).
tree: fetch
	@scripts/tree.sh apply

# Write qemu/ back to patches/$(TOPIC) (a tree made with TOPIC=NAME).
export:
	@scripts/tree.sh export

status:
	@scripts/tree.sh status

build: tree
	@for v in $(VARIANTS); do scripts/build.sh $$v $(CONFIGS) || exit 1; done

where:
	@for v in series stock; do \
	  r=$$( [ $$v = series ] && echo build || echo build/stock/build ); \
	  for b in $$r/host/qemu-system-ppc64 $$r/host/qemu-system-aarch64 \
	           $$r/arm/qemu-system-aarch64 $$r/ppc/qemu-system-ppc64; do \
	    [ -x $$b ] && echo "$$v: $$b"; \
	  done; \
	done; true

# All tests; ends with "N passed, N failed".
check: build
	@tests/run $(CHECK_ARGS)

# Every prefix of the series builds in all three configurations.
check-bisect: tree
	@scripts/check-bisect.sh $(CONFIGS)

lab: build
	@lab/run $(LAB_ARGS)

bench: deps
	@scripts/bench.sh

# Re-resolve debian.lock from lock.spec and Debian's signed indexes
# (LOCK_GROUPS='g1 g2' for some groups only); review the diff, commit it.
lock:
	@scripts/lock.py resolve $(LOCK_GROUPS)

# Which locked files the archive no longer serves.
drift:
	@scripts/lock.py drift

# kvm.ko and kvm-hv.ko of the kernel companion (linux/) for Debian's
# 6.12.107+deb13-powerpc64le-64k kernel; prints their directory.
kmod:
	@scripts/kmod.sh

clean:
	rm -rf build
