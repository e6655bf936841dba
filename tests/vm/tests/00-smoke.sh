set -e
. /tsl/lib.sh
trap tsl_cleanup EXIT
tsl_netns_pair
tsl_expect loaded "module loaded" tsl_module_loaded
