// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: a whole file of statements. The bytes become a file (a memfd,
 * read through /proc/self/fd/N as vnetctl apply would read it), stmts_read
 * cuts it into statements, and stmt_parse turns each into kind, verb, names
 * and wanted fields. Neither touches the host.
 *
 * When some statement fails, vnet_apply(CHECK) reads the same file again and
 * formats every diagnostic (file:line:col, the line, a caret): it stops after
 * the words, before any lock or netlink socket. As a last guard the context
 * names a namespace that does not exist, so nothing could reach the host's
 * links even if that changed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "kind.h"
#include "nl.h"
#include "sysfs.h"
#include "out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vnet_ctx *ctx;
static FILE *devnull;
static int fd = -1;
static char path[64];

static void setup(void)
{
	ctx = vnet_ctx_new();
	devnull = fopen("/dev/null", "w");
	fd = memfd_create("vnetctl-fuzz", MFD_CLOEXEC);
	if (!ctx || !devnull || fd < 0) {
		perror("fuzz_file: setup");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	vnet_ctx_set_output(ctx, devnull);
	vnet_ctx_set_flags(ctx, VNET_F_DRY_RUN | VNET_F_QUIET);
	if (vnet_ctx_set_netns(ctx, "vnetctl-fuzz-no-such-namespace") < 0)
		abort();
}

static void put_file(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (ftruncate(fd, 0) < 0)
		abort();
	while (off < size) {
		ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stmtfile f;
	int errors = 0;

	if (!ctx)
		setup();
	put_file(data, size);
	vnet_clear_error(ctx);
	if (stmts_read(ctx, path, &f) < 0) {
		stmts_free(&f);
		return 0;
	}
	for (int i = 0; i < f.n; i++) {
		struct stmt *s = &f.st[i];
		struct obj want;

		/*
		 * The array ends with NULL, and every word stands where its line
		 * and column say (the diagnostics' caret points there).
		 */
		if (s->argc < 1 || s->argv[s->argc] != NULL)
			abort();
		for (int w = 0; w < s->argc; w++) {
			const char *word = s->argv[w];
			int l = s->line[w], c = s->col[w];

			if (!word[0] || l < 1 || l > f.nlines || c < 1 ||
			    (size_t)c > strlen(f.lines[l - 1]) ||
			    strncmp(f.lines[l - 1] + c - 1, word, strlen(word))) {
				fprintf(stderr, "fuzz_file: word %d \"%s\" of statement %d is not at %d:%d\n",
					w, word, i, l, c);
				abort();
			}
		}
		vnet_clear_error(ctx);
		if (stmt_parse(ctx, s, &want) < 0) {
			const struct vnet_error *e = vnet_ctx_error(ctx);

			/* A parse error is the words' fault (exit 2) and has a message. */
			if (e->exit_code != VNET_EXIT_USAGE || !e->msg[0])
				abort();
			errors++;
		} else if (s->verb == V_SHOW) {
			errors++; /* vnet_apply refuses views: an error too */
		}
		obj_free(&want);
	}
	stmts_free(&f);
	/* With an error, vnet_apply formats every diagnostic and stops before the host. */
	if (errors) {
		vnet_clear_error(ctx);
		int r = vnet_apply(ctx, path, VNET_APPLY_CHECK, NULL);
		const struct vnet_error *e = vnet_ctx_error(ctx);

		if (r >= 0 || e->exit_code != VNET_EXIT_USAGE)
			abort();
		/* Render the details as vnetctl prints them. */
		if (e->details)
			fputs(e->details, devnull);
	}
	/*
	 * Nothing outlives the input (the details are freed here, not by the next
	 * input): libFuzzer counts mallocs and frees per input, and a mismatch
	 * costs a whole-heap leak scan each time.
	 */
	vnet_clear_error(ctx);
	return 0;
}
