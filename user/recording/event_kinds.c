// SPDX-License-Identifier: GPL-2.0-or-later
// Names of the event kinds, as the command line, the CSV and `status` spell them.
#include "recording.h"

static const char *const kind_names[] = {
	[TSL_EV_FLOW]		= "flow",
	[TSL_EV_TX]		= "tx",
	[TSL_EV_ACK_RX]		= "ack_rx",
	[TSL_EV_DATA_RX]	= "data_rx",
	[TSL_EV_READ]		= "read",
	[TSL_EV_ACK_TX]		= "ack_tx",
	[TSL_EV_RETRANS]	= "retrans",
	[TSL_EV_RTO]		= "rto",
	[TSL_EV_STATE]		= "state",
	[TSL_EV_DROP]		= "drop",
};

const char *tsl_kind_name(unsigned int kind)
{
	if (kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return NULL;
	return kind_names[kind];
}
