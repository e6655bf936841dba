/* SPDX-License-Identifier: GPL-2.0 */
/* Where each event comes from on the running kernel (hooks.c). */
#ifndef _TSL_HOOKS_H
#define _TSL_HOOKS_H

#include <linux/types.h>

struct sk_buff;

int tsl_hooks_init(void);
void tsl_hooks_exit(void);
int tsl_hooks_attach(void);
void tsl_hooks_detach(void);
int tsl_hooks_put(struct sk_buff *skb, bool hits);

#endif /* _TSL_HOOKS_H */
