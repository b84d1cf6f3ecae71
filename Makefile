# vfio-pci user-initiated low power for Linux 5.10: the patch series in
# patches/ and the harness that builds, boots and tests it.
#
#   make demo     build the patched kernel, boot it in QEMU, show a device
#                 entering low power and waking (the main job)
#   make check    every test: checkpatch, per-patch builds, W=1/sparse,
#                 the selftests and KUnit in QEMU on the debug kernel
#   make check-harness  the harness's own tests (the console parser on its
#                 fixtures, the scripts' syntax, docs/knobs.md): seconds,
#                 builds nothing (part of make check)
#   make tree     the kernel git tree: base commit + patches/ (git am)
#   make export   write patches/ back from the tree's commits
#   make kernel   build the kernel only;  make shell  boot it with a shell
#   make lint     clang W=1 and coccicheck of drivers/vfio: nothing beyond
#                 the base's (part of make check)
#   make parity   the same tests on 5.10, 5.10+series and Debian's 6.12
#   make bench    wrapper overhead, entry/wake latency, scale (build/bench.txt)
#   make stress   the long random stress and 1000 VM lifecycles on the KASAN
#                 kernel (SEED=S replays a run)
#   make cross-ppc64le  drivers/vfio for POWER with VFIO_PCI_NVLINK2 (W=1)
#   make dkms     the Debian package vfio-lowpower-dkms_<version>_all.deb
#                 (build/dkms/), from the base's drivers/vfio + patches/
#   make distro-check  the package on Debian 11's own kernels (bullseye's
#                 last point release and the newest of bullseye-security):
#                 install, DKMS build, CRCs, every selftest in QEMU, removal
#   make vmm-check  a real VMM in the test machine (QEMU 10 and Debian 11's
#                 QEMU 5.2) passes an e1000e through vfio-pci to a nested
#                 guest (SeaBIOS/iPXE, then Debian 11's kernel: probe,
#                 MSI-X, D3hot, reboot, SIGTERM, SIGKILL; INTx; an igb
#                 VF), runtime PM
#                 checked host-side at each step, on the series' kernel and
#                 on Debian 11's kernels with the DKMS modules (the runs:
#                 config/vmm.env); builds no kernel (needs make check's)
#   make vmm-parity  the same VMMs on stock 5.10 and Debian's 6.12 (needs
#                 make parity's kernels): idle state and a BAR read in D3hot
#   make qemu     QEMU 10.0.2 + qemu-patches/ (x-pr3: the guest's ACPI
#                 power resource calls the low-power features), only
#                 qemu-system-x86_64, out of tree with ccache (build/qemu-obj)
#   make qemu-tree   build/qemu-src: QEMU's tarball + qemu-patches/ (git am)
#   make qemu-export qemu-patches/ regenerated from build/qemu-src's commits
#   make qemu-check  QEMU's checkpatch.pl on each QEMU patch, each one built
#   make power-lost  an experiment (no verdict): a device that does not
#                 come back from D3cold (its slot's power left off), opened,
#                 read, reset and closed as a VMM would (docs/admin.md)
#   make docs     docs/measured/ from the last runs' output in build/
#                 (make check and its step timings, parity, bench, demo), then the docs' links
#                 checked; builds and runs nothing
#   make deps     install the Debian packages the harness needs
#   make clean    remove build/ (the download cache stays)
#
# Every knob (environment or make variable): docs/knobs.md.
# KSRC=/path/to/linux-5.10.y  use your own 5.10 tree as the base instead
#                             of Debian's package (its files are copied)

BUILD   ?= build
CACHE   ?= $(HOME)/.cache/vfio-lowpower
KSRC    ?=
TREE    := $(BUILD)/linux
OBJ     := $(BUILD)/obj
KERNEL  := $(OBJ)/arch/x86/boot/bzImage
QTREE   := $(BUILD)/qemu-src
QOBJ    := $(BUILD)/qemu-obj
S       := scripts

# the Debian packages: one list per purpose in config/packages.env; each
# target installs (scripts/deps.sh) the lists it needs, at every run
.PHONY: all deps fetch tree export kernel tests demo check check-harness lint parity bench stress cross-ppc64le shell clean \
	dkms distro-check docs vmm-check vmm-parity qemu qemu-tree qemu-export qemu-check power-lost

all: demo

deps:
	@$(S)/deps.sh @all

$(BUILD)/src/.done:
	@$(S)/deps.sh @tree
ifeq ($(KSRC),)
	@$(S)/fetch-base.sh $(BUILD)/src $(CACHE)
else
	@echo "fetch: using KSRC=$(KSRC) as the base"; rm -rf $(BUILD)/src; mkdir -p $(BUILD)
	@cp -a $(KSRC) $(BUILD)/src && rm -rf $(BUILD)/src/.git
endif
	@touch $@

fetch: $(BUILD)/src/.done

# the packages again at each run (a few seconds when all are there): one
# added to config/packages.env later reaches a clone whose first fetch is long done
tree: fetch
	@$(S)/deps.sh @tree
	@$(S)/mktree.sh $(TREE) $(BUILD)/src patches

export:
	@$(S)/export.sh $(TREE) patches

kernel: tree
	@$(S)/deps.sh @kernel @guest
	@$(S)/build-kernel.sh $(TREE) $(OBJ)

tests: kernel
	@$(S)/build-tests.sh $(TREE) $(OBJ) $(BUILD)/tests

demo: tests
	@$(S)/mkinitramfs.sh $(BUILD)/initramfs-demo.cpio.gz $(BUILD)/tests/vfio_lowpower_demo \
		$(wildcard $(BUILD)/tests/vfio-pm-status)
	@start=$$(date +%s); $(S)/run-qemu.sh $(KERNEL) $(BUILD)/initramfs-demo.cpio.gz $(BUILD)/console-demo.log demo 300 && \
		STAMP_ELAPSED=$$(($$(date +%s) - start)) bash -c '. $(S)/lib.sh && stamp_output $(BUILD)/console-demo.log "make demo (the guest)"'
	@grep -E '^(demo|init|status): ' $(BUILD)/console-demo.log | grep -v 'init: vfio-lowpower'

check: tree
	@$(S)/deps.sh @all
	@$(S)/check.sh $(BUILD) $(TREE) $(OBJ) $(CACHE)

check-harness:
	@$(S)/check-harness.sh

lint: tree
	@$(S)/deps.sh @kernel @lint
	@$(S)/lint.sh $(TREE) $(BUILD)/obj-clang

parity: tests
	@$(S)/parity.sh $(BUILD) $(TREE) $(OBJ) $(CACHE)

bench: tree
	@$(S)/bench.sh $(BUILD) $(TREE) $(CACHE)

stress: tests
	@$(S)/stress.sh $(BUILD) $(TREE)

cross-ppc64le: tree
	@$(S)/cross-ppc64le.sh $(BUILD) $(TREE)

dkms: tree
	@$(S)/deps.sh @dkms
	@$(S)/mkdkms.sh $(BUILD) $(TREE)

distro-check: tests dkms
	@$(S)/deps.sh @distro
	@$(S)/distro-check.sh $(BUILD) $(TREE) $(CACHE) $(BUILD)/tests $$(ls $(BUILD)/dkms/*.deb)

qemu-tree:
	@$(S)/mkqemu-tree.sh $(QTREE) $(CACHE) qemu-patches

qemu-export:
	@$(S)/export.sh $(QTREE) qemu-patches refs/tags/base qemu-export

qemu: qemu-tree
	@$(S)/build-qemu.sh $(QTREE) $(QOBJ) $(CACHE)

# checkpatch.pl on each QEMU patch, and each one built in turn
qemu-check: qemu-tree
	@$(S)/qemu-check.sh $(QTREE) $(QOBJ) $(CACHE)
	@$(S)/build-qemu.sh $(QTREE) $(QOBJ) $(CACHE) >/dev/null

# no prerequisites that build kernels: it boots the kernel make check or
# make demo built, and says so when there is none
vmm-check:
	@$(S)/vmm-check.sh $(BUILD) $(CACHE)

vmm-parity:
	@VMM_SET=parity $(S)/vmm-check.sh $(BUILD) $(CACHE)

power-lost: tests
	@CACHE=$(CACHE) $(S)/power-lost.sh $(BUILD) $(OBJ)

# no prerequisites: it only reads $(BUILD)'s results
docs:
	@$(S)/docs.sh $(BUILD)
	@$(S)/check-links.sh

shell: tests
	@$(S)/mkinitramfs.sh $(BUILD)/initramfs-shell.cpio.gz $(BUILD)/tests/*
	@$(S)/qemu.sh $$($(S)/qemu-args.sh) -kernel $(KERNEL) \
		-initrd $(BUILD)/initramfs-shell.cpio.gz -append "$$(cat config/cmdline) vfio_job=shell"

clean:
	rm -rf $(BUILD)
