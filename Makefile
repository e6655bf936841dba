# SPDX-License-Identifier: GPL-2.0-or-later
# tcpsleuth: the reader, the module, tests, packaging.
#
#   make check          layout, unit tests (valgrind, then ASan/UBSan), a minute of
#                       fuzzing, DKMS build, module tests on Linux 6.1 in QEMU
#   make check-layout   the parts include each other only through their public headers
#   make check-asan     the unit tests built with ASan and UBSan
#   make check-vm       module tests in QEMU (KERNEL=5.10|6.1|6.12|6.1-rt)
#   make check-matrix   module tests on every supported kernel
#   make check-scenarios injected causes, diagnosed in QEMU (KERNEL=...)
#   make demo           a stalling receiver diagnosed in QEMU, report printed here
#   make dkms-install   install the module with DKMS on this host
#   make bench          benchmarks in QEMU (KERNEL=...), regenerates BENCHMARKS.md
#   make fuzz           libFuzzer on the recording reader and the analysis (FUZZ_SECONDS=600)
#   make accuracy       the diagnosis corpus in QEMU (KERNELS="6.1 6.12", EVAL_REPEAT=3),
#                       regenerates docs/ACCURACY.md

KERNEL  ?= 6.1
KDIR    ?= /lib/modules/$(shell uname -r)/build
VERSION := $(shell sed -n 's/^\#define TSL_VERSION_STR[[:space:]]*"\(.*\)"/\1/p' kmod/tsl.h)

all: user

deps:
	scripts/install-deps

user:
	$(MAKE) -C user

kmod:
	$(MAKE) -C kmod KDIR=$(KDIR)

check: deps
	tests/check $(KERNEL)

check-layout:
	tests/layout

check-asan: deps
	tests/asan

check-unit: deps
	$(MAKE) -C user check

check-vm: deps user
	tests/vm/check --kernel $(KERNEL)

check-matrix: deps user
	tests/vm/check-matrix

check-scenarios: deps user
	tests/vm/check-scenarios --kernel $(KERNEL)

demo: deps user
	scripts/demo $(KERNEL)

# libFuzzer on everything that reads a recording, for FUZZ_SECONDS (600).
FUZZ_SECONDS ?= 600
fuzz: deps
	tests/fuzz/check $(FUZZ_SECONDS)

# The diagnosis corpus (tests/corpus) on KERNELS, the eval half EVAL_REPEAT times.
KERNELS ?= $(KERNEL)
EVAL_REPEAT ?= 3
accuracy: deps user
	scripts/install-deps --corpus
	tests/corpus/accuracy --repeat $(EVAL_REPEAT) $(KERNELS)

bench: deps user
	bench/run --kernel $(KERNEL)

check-dkms: deps
	dkms/dkms-check

dkms-install:
	rm -rf /usr/src/tcpsleuth-$(VERSION)
	dkms/stage /usr/src/tcpsleuth-$(VERSION) $(VERSION)
	dkms add -m tcpsleuth -v $(VERSION) || true
	dkms build -m tcpsleuth -v $(VERSION)
	dkms install -m tcpsleuth -v $(VERSION)

dkms-remove:
	dkms remove -m tcpsleuth -v $(VERSION) --all || true
	rm -rf /usr/src/tcpsleuth-$(VERSION)

install: user
	install -D -m 0755 user/tcpsleuth $(DESTDIR)/usr/local/bin/tcpsleuth

clean:
	$(MAKE) -C user clean
	rm -f kmod/*.o kmod/*.ko kmod/*.mod kmod/*.mod.c kmod/.*.cmd kmod/Module.symvers kmod/modules.order

.PHONY: all deps user kmod check check-layout check-asan fuzz check-unit check-vm check-matrix check-scenarios accuracy demo check-dkms bench \
	dkms-install dkms-remove install clean
