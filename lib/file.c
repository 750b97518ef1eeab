// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Files of statements: the command line without "vnetctl", one statement a
 * line. A '#' that starts a word starts a comment; a '\' at the end of a
 * line continues the statement on the next. Words keep their physical line
 * and column, so an error can point at the word at fault.
 */
#include <dirent.h>
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
	for (int i = 0; i < f->nparts; i++)
		free(f->parts[i].path);
	free(f->parts);
	memset(f, 0, sizeof(*f));
}

void stmts_where(const struct stmtfile *f, int line, const char **path, int *fline)
{
	int i = f->nparts - 1;

	while (i > 0 && f->parts[i].first > line)
		i--;
	*path = i >= 0 ? f->parts[i].path : f->path;
	*fline = i >= 0 ? line - f->parts[i].first + 1 : line;
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

static int conf_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

static int name_order(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name); /* lexical, whatever the locale */
}

/*
 * A directory's *.conf files, in lexical order, as one text: each ends with
 * an empty line of its own, so that a last line continued with \ does not
 * run into the next file.
 */
static int read_dir(struct vnet_ctx *ctx, const char *dir, struct stmtfile *f, char **out,
		    size_t *len)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, conf_name, name_order), r = 0, line = 1;
	char *text = NULL;
	size_t tl = 0;

	if (n < 0)
		return vnet_usage_errno(ctx, errno, "%s: cannot read the directory", dir);
	f->parts = calloc((size_t)n + 1, sizeof(*f->parts));
	if (!f->parts)
		r = vnet_fail(ctx, ENOMEM, "out of memory");
	for (int i = 0; i < n && r == 0; i++) {
		char *t = NULL, *nt;
		size_t l = 0;
		struct stmtpart *pt = &f->parts[f->nparts];

		size_t pl = strlen(dir) + strlen(ents[i]->d_name) + 2;

		if (!(pt->path = malloc(pl))) {
			r = vnet_fail(ctx, ENOMEM, "out of memory");
			break;
		}
		snprintf(pt->path, pl, "%s/%s", dir, ents[i]->d_name);
		f->nparts++;
		pt->first = line;
		r = read_all(ctx, pt->path, &t, &l);
		if (r < 0)
			break;
		nt = realloc(text, tl + l + 3);
		if (!nt) {
			free(t);
			r = vnet_fail(ctx, ENOMEM, "out of memory");
			break;
		}
		text = nt;
		memcpy(text + tl, t, l);
		tl += l;
		if (l && text[tl - 1] != '\n')
			text[tl++] = '\n';
		text[tl++] = '\n';
		for (size_t k = 0; k < l; k++)
			line += t[k] == '\n';
		line += (l && t[l - 1] != '\n') + 1;
		free(t);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (r < 0) {
		free(text);
		return r;
	}
	if (!text && !(text = calloc(1, 1)))
		return vnet_fail(ctx, ENOMEM, "out of memory");
	text[tl] = 0;
	*out = text;
	*len = tl;
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
	struct stat sb;

	if (strcmp(path, "-") && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		r = read_dir(ctx, path, f, &f->text, &len);
	else
		r = read_all(ctx, path, &f->text, &len);
	if (r < 0)
		return r;
	const char *nul = memchr(f->text, 0, len);

	if (nul) {
		int at = 1;

		for (const char *c = f->text; c < nul; c++)
			at += *c == '\n';
		const char *fp;
		int fl;

		stmts_where(f, at, &fp, &fl);
		return vnet_usage(ctx, -1, "%s:%d: a NUL byte: not a text file", fp, fl);
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
