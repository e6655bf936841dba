# SPDX-License-Identifier: GPL-2.0-or-later
# Host-side helpers shared by the QEMU harness scripts (sourced, not run).

TSL_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TSL_TOP=$(cd "$TSL_VM_DIR/../.." && pwd)
TSL_CACHE=${TSL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcpsleuth}
TSL_KERNELS="5.10 6.1 6.12 6.1-rt"

tsl_die() { echo "${0##*/}: $*" >&2; exit 1; }
tsl_log() { echo "${0##*/}: $*" >&2; }

# tsl_kernel_dir SERIES: the cache directory of a kernel. A kernel already in
# the cache is used as is (newest ABI first), so runs work offline; set
# TSL_REFRESH=1 to ask fetch-kernel for the newest one instead.
tsl_kernel_dir() {
	local regex d
	case $1 in
	5.10)   regex='^5\.10\.0-[0-9]+-cloud-amd64$' ;;
	6.1)    regex='^6\.1\.0-[0-9]+-cloud-amd64$' ;;
	6.12)   regex='^6\.12\.[0-9]+\+deb12-cloud-amd64$' ;;
	6.1-rt) regex='^6\.1\.0-[0-9]+-rt-amd64$' ;;
	*) tsl_die "unknown kernel '$1' (want one of: $TSL_KERNELS)" ;;
	esac
	if [ -z "${TSL_REFRESH:-}" ] && [ -d "$TSL_CACHE/kernels" ]; then
		for d in $(ls "$TSL_CACHE/kernels" | grep -E "$regex" | sort -rV); do
			if [ -e "$TSL_CACHE/kernels/$d/.complete" ]; then
				echo "$TSL_CACHE/kernels/$d"
				return 0
			fi
		done
	fi
	"$TSL_VM_DIR/fetch-kernel" "$1" || tsl_die "cannot fetch kernel $1"
}

# tsl_kver DIR: the release string of a fetched kernel.
tsl_kver() { cat "$1/version"; }
