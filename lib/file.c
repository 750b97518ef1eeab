// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Files of statements: the command line without "vnetctl", one statement a
 * line. A '#' that starts a word starts a comment; a '\' at the end of a
 * line continues the statement on the next. Words keep their physical line
 * and column, so an error can point at the word at fault.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "kind.h"

#define FILE_MAX (64 * 1024 * 1024)

void stmts_free(struct stmtfile *f)
{
	for (int i = 0; i < f->n; i++) {
		free(f->st[i].own);
		free(f->st[i].line);
		free(f->st[i].col);
	}
	free(f->st);
	free(f->text);
	free(f->words);
	free(f->lines);
	memset(f, 0, sizeof(*f));
}

static int read_all(struct vnet_ctx *ctx, const char *path, char **out, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;

	if (!strcmp(path, "-"))
		path = "<stdin>";
	size_t cap = 65536, n = 0;
	char *buf;
	struct stat sb;

	if (fd < 0)
		return vnet_usage_errno(ctx, errno, "%s: cannot open", path);
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (fd)
			close(fd);
		return vnet_usage_errno(ctx, EISDIR, "%s: cannot read", path);
	}
	buf = malloc(cap + 1);
	for (;;) {
		if (!buf) {
			if (fd)
				close(fd);
			return vnet_fail(ctx, ENOMEM, "%s: out of memory", path);
		}
		ssize_t r = fd_read(fd, buf + n, cap - n);

		if (r < 0) {
			int e = errno;

			free(buf);
			if (fd)
				close(fd);
			return vnet_usage_errno(ctx, e, "%s: cannot read", path);
		}
		n += (size_t)r;
		if (n < cap)
			break;
		if (cap >= FILE_MAX) {
			free(buf);
			if (fd)
				close(fd);
			return vnet_usage(ctx, -1, "%s: larger than %d MiB", path, FILE_MAX >> 20);
		}
		cap *= 2;
		char *nb = realloc(buf, cap + 1);

		if (!nb)
			free(buf);
		buf = nb;
	}
	if (fd)
		close(fd);
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

static int add_word(struct stmt *s, char *w, int line, int col)
{
	/* Room doubles: a statement continued over 40,000 lines stays linear. */
	if (s->argc + 2 > s->wcap) {
		int cap = s->wcap ? 2 * s->wcap : 8;
		char **a = realloc(s->own, (size_t)cap * sizeof(char *));
		void *l = realloc(s->line, (size_t)cap * sizeof(int));
		void *c = realloc(s->col, (size_t)cap * sizeof(int));

		if (a)
			s->own = a;
		if (l)
			s->line = l;
		if (c)
			s->col = c;
		if (!a || !l || !c)
			return -ENOMEM;
		s->wcap = cap;
	}
	char **a = s->own;

	a[s->argc] = w;
	s->line[s->argc] = line;
	s->col[s->argc] = col;
	s->argc++;
	a[s->argc] = NULL;
	s->argv = a;
	return 0;
}

int stmts_read(struct vnet_ctx *ctx, const char *path, struct stmtfile *f)
{
	size_t len = 0;
	int r, line = 1, nlines = 0;
	char *p, *bol;

	memset(f, 0, sizeof(*f));
	f->path = strcmp(path, "-") ? path : "<stdin>";
	r = read_all(ctx, path, &f->text, &len);
	if (r < 0)
		return r;
	const char *nul = memchr(f->text, 0, len);

	if (nul) {
		int at = 1;

		for (const char *c = f->text; c < nul; c++)
			at += *c == '\n';
		return vnet_usage(ctx, -1, "%s:%d: a NUL byte: not a text file", f->path, at);
	}
	/* Keep each physical line for messages (the text is cut into words below). */
	for (size_t i = 0; i <= len; i++)
		if (i == len || f->text[i] == '\n')
			nlines++;
	f->lines = calloc((size_t)nlines + 1, sizeof(char *));
	f->words = malloc(len + 1);
	if (!f->lines || !f->words)
		return vnet_fail(ctx, ENOMEM, "out of memory");
	memcpy(f->words, f->text, len + 1);
	for (int i = 0, k = 0; k < nlines; k++) {
		f->lines[k] = f->text + i;
		while (f->text[i] && f->text[i] != '\n')
			i++;
		if (f->text[i])
			f->text[i++] = 0;
	}
	f->nlines = nlines;

	struct stmt cur = { 0 };
	int cap = 0;

	p = bol = f->words;
	for (;;) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
			continue;
		}
		if (c == '\\' && (p[1] == '\n' || (p[1] == '\r' && p[2] == '\n') || p[1] == 0)) {
			p += p[1] == '\r' ? 3 : p[1] ? 2 : 1;
			line++;
			bol = p;
			continue; /* the statement goes on */
		}
		if (c == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (c == '\n' || c == 0) {
			if (cur.argc) {
				if (f->n == cap) {
					void *n = realloc(f->st, (size_t)(cap ? 2 * cap : 64) * sizeof(*f->st));

					if (!n)
						goto nomem;
					f->st = n;
					cap = cap ? 2 * cap : 64;
				}
				f->st[f->n++] = cur;
				memset(&cur, 0, sizeof(cur));
			}
			if (c == 0)
				break;
			*p++ = 0;
			line++;
			bol = p;
			continue;
		}
		/* A word: up to white space or the end of the line. */
		char *w = p;

		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		if (*p == '\n' || *p == 0) {
			/* "word\" at the end of a line: the backslash continues. */
			if (p > w + 1 && p[-1] == '\\') {
				p[-1] = 0;
				if (add_word(&cur, w, line, (int)(w - bol) + 1) < 0)
					goto nomem;
				if (*p) {
					p++;
					line++;
					bol = p;
				}
				continue;
			}
			char end = *p;

			*p = 0;
			if (add_word(&cur, w, line, (int)(w - bol) + 1) < 0)
				goto nomem;
			*p = end;
			continue;
		}
		*p++ = 0;
		if (add_word(&cur, w, line, (int)(w - bol) + 1) < 0)
			goto nomem;
	}
	return 0;
nomem:
	/* The statement being cut is in no list yet: its arrays go here. */
	free(cur.own);
	free(cur.line);
	free(cur.col);
	return vnet_fail(ctx, ENOMEM, "out of memory");
}
