// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tb-count: instructions a QEMU guest executed per function of a module,
 * exactly, from QEMU's translation-block log.
 *
 * usage: tb-count QEMU_LOG KALLSYMS
 *
 * QEMU_LOG: written with `-d in_asm,exec,nochain -dfilter RANGE -D FILE`:
 * each block translated ("IN:" and one line per instruction), and each
 * block executed ("Trace N: HOST [CS_BASE/PC/FLAGS/CFLAGS]"); with nochain
 * every execution is logged, so a block's instructions times its
 * executions is what ran. A block translated again replaces the earlier
 * one from there on. A rep-prefixed string instruction ends its block and
 * runs again as a block of its own per iteration, so it is counted per
 * iteration, as -icount counts it.
 * KALLSYMS: the guest's /proc/kallsyms lines of the module ("ADDR t NAME
 * [module]"), which name the functions.
 *
 * Prints, per function the log reached, the instructions executed, the
 * executions of its first instruction (calls) and the instructions per
 * call, most instructions first.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sym {
	uint64_t addr;
	char name[128];
	uint64_t insns, calls;
};

struct block {
	uint64_t pc;
	uint32_t n;
};

static struct sym *syms;
static size_t n_syms;
static struct block *blocks;	/* open addressing on pc */
static size_t block_cap = 1 << 16, n_blocks;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "tb-count: out of memory\n");
		exit(1);
	}
	return p;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_insns(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->insns > y->insns ? -1 : x->insns < y->insns;
}

static void load_syms(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], type, name[128];
	uint64_t addr;
	size_t cap = 0;

	if (!f) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 " %c %127s", &addr, &type, name) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		if (n_syms == cap) {
			cap = cap ? cap * 2 : 256;
			syms = xrealloc(syms, cap * sizeof(*syms));
		}
		syms[n_syms] = (struct sym){ .addr = addr };
		snprintf(syms[n_syms].name, sizeof(syms[n_syms].name), "%s", name);
		n_syms++;
	}
	fclose(f);
	if (!n_syms) {
		fprintf(stderr, "tb-count: %s: no text symbols\n", path);
		exit(1);
	}
	qsort(syms, n_syms, sizeof(*syms), cmp_addr);
}

/* The function holding @pc, or NULL when it is below the first symbol. */
static struct sym *sym_of(uint64_t pc)
{
	size_t lo = 0, hi = n_syms;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (syms[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &syms[lo - 1] : NULL;
}

static struct block *slot(uint64_t pc)
{
	size_t i = (size_t)((pc * 0x9e3779b97f4a7c15ull) >> 20) & (block_cap - 1);

	while (blocks[i].pc && blocks[i].pc != pc)
		i = (i + 1) & (block_cap - 1);
	return &blocks[i];
}

static void set_block(uint64_t pc, uint32_t n)
{
	struct block *b;

	if ((n_blocks + 1) * 2 > block_cap) {
		struct block *old = blocks;
		size_t i, cap = block_cap;

		block_cap *= 2;
		blocks = calloc(block_cap, sizeof(*blocks));
		if (!blocks) {
			fprintf(stderr, "tb-count: out of memory\n");
			exit(1);
		}
		for (i = 0; i < cap; i++)
			if (old[i].pc)
				*slot(old[i].pc) = old[i];
		free(old);
	}
	b = slot(pc);
	if (!b->pc)
		n_blocks++;
	*b = (struct block){ pc, n };
}

int main(int argc, char **argv)
{
	char line[1024];
	uint64_t cur = 0, pc, unknown = 0;
	uint32_t n = 0;
	FILE *f;
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: tb-count QEMU_LOG KALLSYMS\n");
		return 2;
	}
	load_syms(argv[2]);
	blocks = calloc(block_cap, sizeof(*blocks));
	f = fopen(argv[1], "r");
	if (!blocks || !f) {
		perror(argv[1]);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "IN:", 3)) {
			cur = 0;
			n = 0;
		} else if (!strncmp(line, "0x", 2)) {
			if (sscanf(line, "%" SCNx64 ":", &pc) == 1) {
				if (!cur)
					cur = pc;
				n++;
			}
		} else if (!strncmp(line, "Trace ", 6)) {
			const char *p = strchr(line, '/');
			struct block *b;
			struct sym *s;

			if (cur) {
				set_block(cur, n);
				cur = 0;
			}
			if (!p || sscanf(p + 1, "%" SCNx64, &pc) != 1)
				continue;
			b = slot(pc);
			s = sym_of(pc);
			if (!b->pc || !s) {
				unknown++;
				continue;
			}
			s->insns += b->n;
			if (pc == s->addr)
				s->calls++;
		}
	}
	fclose(f);
	qsort(syms, n_syms, sizeof(*syms), cmp_insns);
	printf("%-36s %12s %9s %10s\n", "function", "instructions", "calls", "per call");
	for (i = 0; i < n_syms && syms[i].insns; i++)
		printf("%-36s %12" PRIu64 " %9" PRIu64 " %10.1f\n", syms[i].name,
		       syms[i].insns, syms[i].calls,
		       syms[i].calls ? (double)syms[i].insns / syms[i].calls : 0.0);
	if (unknown)
		printf("(%" PRIu64 " block executions outside the symbols or not translated in the log)\n",
		       unknown);
	return 0;
}
