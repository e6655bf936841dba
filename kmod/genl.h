/* SPDX-License-Identifier: GPL-2.0 */
/* The "tcpsleuth" generic netlink family (genl.c). */
#ifndef _TSL_GENL_H
#define _TSL_GENL_H

int tsl_genl_init(void);
void tsl_genl_exit(void);

#endif /* _TSL_GENL_H */
