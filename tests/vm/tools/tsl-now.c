// SPDX-License-Identifier: GPL-2.0-or-later
// Print CLOCK_MONOTONIC in nanoseconds, the clock of the tracer's time_ns column.
#include "tsl-net.h"

int main(void)
{
	printf("%llu\n", tsl_now_ns());
	return 0;
}
