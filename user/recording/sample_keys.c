// SPDX-License-Identifier: GPL-2.0-or-later
// Names of the sample keys and NIC counters, from their one list in recording.h.
#include <errno.h>
#include <string.h>

#include "recording.h"

#define NAME(id, name) [TSL_KEY_##id] = name,
static const char *const key_names[TSL_KEY_COUNT] = {
	[TSL_KEY_UNKNOWN] = "",
	TSL_SAMPLE_KEYS(NAME)
};
#undef NAME

#define NAME(id, name) [TSL_NIC_##id] = name,
static const char *const nic_names[TSL_NIC_NSTATS] = {
	TSL_NIC_STATS(NAME)
};
#undef NAME

const char *tsl_sample_key_name(enum tsl_sample_key k)
{
	return k < TSL_KEY_COUNT ? key_names[k] : "";
}

enum tsl_sample_key tsl_sample_key_find(const char *name)
{
	unsigned int k;

	for (k = TSL_KEY_UNKNOWN + 1; k < TSL_KEY_COUNT; k++)
		if (!strcmp(name, key_names[k]))
			return k;
	return TSL_KEY_UNKNOWN;
}

const char *tsl_nic_stat_name(enum tsl_nic_stat i)
{
	return i < TSL_NIC_NSTATS ? nic_names[i] : "";
}

int tsl_nic_stat_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < TSL_NIC_NSTATS; i++)
		if (!strcmp(name, nic_names[i]))
			return i;
	return -ENOENT;
}
