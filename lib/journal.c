// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The journal of a transaction (see journal.h): written before the first
 * change, read by the next vnetctl when its writer died, and the record
 * rebuilt from it as record_take() built it, from the same messages.
 *
 * The file is a header and a body of records (type, length, data). It is
 * written whole to a temporary file and renamed into place, so a reader
 * sees the old journal, the new one or none, never a part; the body's
 * checksum catches what a rename cannot (a file cut by hand). It is not
 * synced: see write_file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "journal.h"
#include "nl.h"
#include "record.h"

#define J_MAGIC "vnetjnl\n"
#define J_VERSION 3 /* 2: the checksum of struct sum; 3: the boot id */
#define J_GUARDED 1 /* jhead.flags: a --confirm guardian holds it */

struct jhead {
	char magic[8];
	uint32_t version;
	uint32_t head_len;
	uint64_t ino;	 /* the namespace's inode, as in the file's name */
	uint64_t cookie; /* the namespace's SO_NETNS_COOKIE (never reused), 0 unknown */
	int32_t pid;	 /* the writer */
	uint32_t flags;	 /* J_GUARDED */
	uint64_t start;	 /* the writer's start time, /proc/PID/stat field 22 */
	int64_t deadline;    /* CLOCK_BOOTTIME ns, 0 none */
	int64_t deadline_rt; /* time(2) of the same */
	uint64_t body_len;
	uint64_t body_sum; /* the body's checksum (struct sum) */
	char boot[40];	   /* /proc/sys/kernel/random/boot_id, "" unknown */
	char what[128];
};

/* Body records. */
enum {
	JR_NAME = 1,	/* a name the plan's steps name (NUL-terminated) */
	JR_DELETE = 2,	/* a link the plan deletes */
	JR_MACUSER = 3, /* int32 pairs: ifindex, its MAC was chosen by a user */
	JR_MSGS = 4,	/* the dumps' messages, back to back */
	JR_EXT = 5,	/* a kind's own record of a link: "KIND\0NAME\0", from that link's message */
};

struct jrec {
	uint16_t type;
	uint16_t pad;
	uint32_t len;
};

#define JR_ALIGN(n) (((n) + 3u) & ~3u)

int64_t journal_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_BOOTTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/*
 * The body's checksum: FNV-1a's prime over four lanes of 64-bit words (the
 * tail byte by byte), fed in pieces. Byte-wise FNV-1a over the 3 MB of
 * messages 2000 links make was 3 ms, a tenth of the apply it guards.
 */
struct sum {
	uint64_t h[4];
	unsigned char part[32];
	size_t n;
};
#define SUM_PRIME 0x100000001b3ULL

static void sum_init(struct sum *s)
{
	for (int k = 0; k < 4; k++)
		s->h[k] = 0xcbf29ce484222325ULL + (uint64_t)k;
	s->n = 0;
}

static void sum_block(struct sum *s, const unsigned char *b)
{
	for (int k = 0; k < 4; k++) {
		uint64_t w;

		memcpy(&w, b + 8 * k, 8);
		s->h[k] = (s->h[k] ^ w) * SUM_PRIME;
	}
}

static void sum_add(struct sum *s, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n && s->n) {
		s->part[s->n++] = *b++, n--;
		if (s->n == sizeof(s->part)) {
			sum_block(s, s->part);
			s->n = 0;
		}
	}
	for (; n >= sizeof(s->part); b += sizeof(s->part), n -= sizeof(s->part))
		sum_block(s, b);
	memcpy(s->part + s->n, b, n);
	s->n += n;
}

static uint64_t sum_end(struct sum *s)
{
	uint64_t h = s->h[0];

	for (size_t i = 0; i < s->n; i++)
		h = (h ^ s->part[i]) * SUM_PRIME;
	for (int k = 1; k < 4; k++)
		h = (h ^ s->h[k]) * SUM_PRIME;
	return h;
}

static uint64_t body_sum(const void *p, size_t n)
{
	struct sum s;

	sum_init(&s);
	sum_add(&s, p, n);
	return sum_end(&s);
}

/* Field 22 of /proc/PID/stat: when it started, in clock ticks since boot; 0 unknown. */
static uint64_t start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* The name (field 2) may hold spaces and parentheses: count from its end. */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* This boot's id (a UUID), or "" when it cannot be read. */
static void boot_id(char out[40])
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, out, 39) : -1;

	if (fd >= 0)
		close(fd);
	out[n > 0 ? n : 0] = 0;
	out[strcspn(out, "\n")] = 0;
}

/* The process that wrote the journal runs still: its PID, with the same start time. */
static int writer_alive(pid_t pid, uint64_t start)
{
	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return 0;
	uint64_t now = start_time(pid);

	/* Unreadable (another PID namespace's /proc): assume it is the writer. */
	return !now || now == start;
}

static int journal_path(struct vnet_ctx *ctx, char *buf, size_t len)
{
	return vnet_run_path(ctx, "journal", "", buf, len);
}

/* ---- writing ---- */

struct jbuf {
	char *b;
	size_t len, cap;
};

static void jb_put(struct jbuf *j, uint16_t type, const void *data, uint32_t len)
{
	struct jrec r = { .type = type, .len = len };
	size_t need = sizeof(r) + JR_ALIGN(len);

	if (j->len + need > j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 4096;

		while (cap < j->len + need)
			cap *= 2;
		if (!(j->b = realloc(j->b, cap)))
			abort(); /* small, as the plan's steps: out of memory here is fatal */
		j->cap = cap;
	}
	memcpy(j->b + j->len, &r, sizeof(r));
	memcpy(j->b + j->len + sizeof(r), data, len);
	memset(j->b + j->len + sizeof(r) + len, 0, JR_ALIGN(len) - len);
	j->len += need;
}

/* Writes head and the body parts to the journal's place, whole or not at all. */
static int write_file(const char *path, struct jhead *h, const struct iovec *body, int nbody)
{
	char tmp[300];
	struct iovec v[8];
	int fd, r = 0;
	size_t total = sizeof(*h), done = 0;

	struct sum sum;

	sum_init(&sum);
	h->body_len = 0;
	v[0].iov_base = h;
	v[0].iov_len = sizeof(*h);
	for (int i = 0; i < nbody; i++) {
		h->body_len += body[i].iov_len;
		sum_add(&sum, body[i].iov_base, body[i].iov_len);
		v[i + 1] = body[i];
		total += body[i].iov_len;
	}
	h->body_sum = sum_end(&sum);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* writev may write less than asked: go on from where it stopped. */
	int first = 0, n = nbody + 1;

	while (done < total) {
		ssize_t w = writev(fd, v + first, n - first);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = w < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)w;
		while (first < n && (size_t)w >= v[first].iov_len)
			w -= (ssize_t)v[first++].iov_len;
		if (first < n) {
			v[first].iov_base = (char *)v[first].iov_base + w;
			v[first].iov_len -= (size_t)w;
		}
	}
	/*
	 * No fsync, of the file or of the directory: the journal is for the
	 * death of a process, which leaves the page cache whole. A machine
	 * that crashes boots with its links made afresh, and a journal of an
	 * earlier boot is removed unread (jinfo_of). (On a /run on disk the
	 * syncs were a third of an apply's time on 1000 links.)
	 */
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return 0;
}

static void head_init(struct vnet_ctx *ctx, struct jhead *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, J_MAGIC, sizeof(h->magic));
	h->version = J_VERSION;
	h->head_len = sizeof(*h);
	h->pid = (int32_t)getpid();
	h->start = start_time(getpid());
	unsigned long long ino = 0;

	h->cookie = nlm_netns_cookie(ctx);
	boot_id(h->boot);
	vnet_ns_inode(ctx, &ino);
	h->ino = ino;
	str_copy(h->what, sizeof(h->what), ctx->txn_what ? ctx->txn_what : "");
}

static int journal_write(struct vnet_ctx *ctx, const struct plan *p, struct record *rec,
			 const struct nl_tap *tap)
{
	const struct namelist *names = record_names(rec);
	struct state *st = record_state(rec);
	const unsigned char *mac_user = record_mac_user(rec);
	struct jbuf j = { 0 };
	struct jhead h;
	struct jrec msgs = { .type = JR_MSGS, .len = (uint32_t)tap->len };
	char path[300];
	int r;

	if (tap->len > UINT32_MAX)
		return -EFBIG;
	for (int i = 0; i < names->n; i++)
		jb_put(&j, JR_NAME, names->names[i], (uint32_t)strlen(names->names[i]) + 1);
	for (int i = 0; i < p->n; i++)
		if (p->ops[i].type == OP_DELETE)
			jb_put(&j, JR_DELETE, p->ops[i].name, (uint32_t)strlen(p->ops[i].name) + 1);
	int32_t *macs = calloc((size_t)st->n * 2 + 1, sizeof(*macs));

	if (!macs)
		abort();
	for (int i = 0; i < st->n; i++) {
		macs[2 * i] = st->links[i].ifindex;
		macs[2 * i + 1] = mac_user[i];
	}
	jb_put(&j, JR_MACUSER, macs, (uint32_t)(st->n * 2 * sizeof(*macs)));
	free(macs);
	const struct kind *k;
	const char *en;

	for (int i = 0; (en = record_ext(rec, i, &k)); i++) {
		char e[64 + VNET_NAMSIZ];
		int n = snprintf(e, sizeof(e), "%s%c%s", k->name, 0, en);

		jb_put(&j, JR_EXT, e, (uint32_t)n + 1);
	}
	/* The messages last and in place: they are most of it (a megabyte for a thousand links). */
	struct iovec body[2] = { { j.b, j.len }, { &msgs, sizeof(msgs) } };
	struct iovec all[3] = { body[0], body[1], { tap->buf, tap->len } };

	head_init(ctx, &h);
	r = journal_path(ctx, path, sizeof(path));
	if (r == 0)
		r = write_file(path, &h, all, 3);
	free(j.b);
	if (r < 0)
		return vnet_fail(ctx, -r, "cannot write the journal %s before changing the host", path);
	return 0;
}

int journal_take(struct vnet_ctx *ctx, const struct plan *p, struct record **rec)
{
	struct nl_tap own = { 0 }, *read = ctx->read_tap && (ctx->read_tap->done & TAP_LINK) ? ctx->read_tap : NULL;
	struct nl_tap *tap = read ? read : &own;
	int r;

	/*
	 * No lock (a user namespace's root): no journal either, as ip keeps none.
	 * VNETCTL_BENCH_NO_JOURNAL is for bench/run alone, which times an apply
	 * with the journal and without it: the record is taken as always (a
	 * failure still rolls back), the journal is neither kept nor written.
	 */
	if (ctx->lock_fd < 0 || ctx->journal_owned || getenv("VNETCTL_BENCH_NO_JOURNAL")) {
		ctx->tap = read;
		r = record_take(ctx, p, rec);
		ctx->tap = NULL;
		return r;
	}
	ctx->tap = tap;
	r = record_take(ctx, p, rec);
	ctx->tap = NULL;
	if (r == 0 && tap->err)
		r = vnet_fail(ctx, -tap->err, "cannot keep the host's state for the journal");
	if (r == 0 && (tap->done & TAP_LINK) && (r = journal_write(ctx, p, *rec, tap)) == 0)
		ctx->journal_owned = 1;
	if (r < 0) {
		record_free(*rec);
		*rec = NULL;
	}
	free(own.buf);
	return r;
}

void journal_end(struct vnet_ctx *ctx)
{
	char path[300];

	if (!ctx->journal_owned)
		return;
	ctx->journal_owned = 0;
	if (journal_path(ctx, path, sizeof(path)) == 0)
		unlink(path);
}

/* ---- reading ---- */

struct jfile {
	struct jhead h;
	char *body; /* NULL when only the header was read */
};

/*
 * Reads the journal: 0, -ENOENT when there is none, -EBADMSG when it is
 * not whole (or not of this version); whole reads the body too.
 */
static int jfile_read(struct vnet_ctx *ctx, struct jfile *j, int whole)
{
	char path[300];
	struct stat sb;
	int fd, r = 0;

	memset(j, 0, sizeof(*j));
	if ((r = journal_path(ctx, path, sizeof(path))) < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0 || read(fd, &j->h, sizeof(j->h)) != (ssize_t)sizeof(j->h) ||
	    memcmp(j->h.magic, J_MAGIC, sizeof(j->h.magic)) || j->h.version != J_VERSION ||
	    j->h.head_len != sizeof(j->h) || j->h.body_len != (uint64_t)sb.st_size - sizeof(j->h)) {
		close(fd);
		return -EBADMSG;
	}
	j->h.what[sizeof(j->h.what) - 1] = 0;
	if (whole) {
		size_t got = 0;

		j->body = malloc(j->h.body_len + 1);
		if (!j->body) {
			close(fd);
			return -ENOMEM;
		}
		ssize_t n = fd_read(fd, j->body, j->h.body_len);

		got = n > 0 ? (size_t)n : 0;
		if (got != j->h.body_len || body_sum(j->body, got) != j->h.body_sum)
			r = -EBADMSG;
	}
	close(fd);
	return r;
}

static void jinfo_of(struct vnet_ctx *ctx, const struct jfile *j, int r, struct jinfo *ji)
{
	uint64_t cookie;

	memset(ji, 0, sizeof(*ji));
	if (r == -ENOENT || r == -EACCES || r == -EPERM)
		return; /* none, or not ours to read (a show as another user) */
	ji->present = 1;
	if (r < 0) {
		ji->stale = J_TORN;
		return;
	}
	/* The inode of a namespace that is gone may be another's now: its cookie is not. */
	cookie = nlm_netns_cookie(ctx);
	if (j->h.cookie && cookie && cookie != j->h.cookie)
		ji->stale = J_FOREIGN;
	/*
	 * A journal of an earlier boot (a /run on disk): the boot made the
	 * links afresh, and namespaces' cookies, PIDs and the deadline's clock
	 * start again. Nothing in it is this host's.
	 */
	char boot[40];

	boot_id(boot);
	if (boot[0] && j->h.boot[0] && strncmp(boot, j->h.boot, sizeof(boot)))
		ji->stale = J_REBOOTED;
	ji->pid = j->h.pid;
	ji->alive = writer_alive(j->h.pid, j->h.start);
	ji->guarded = !!(j->h.flags & J_GUARDED);
	ji->deadline = j->h.deadline;
	ji->deadline_rt = j->h.deadline_rt;
	str_copy(ji->what, sizeof(ji->what), j->h.what);
}

int journal_info(struct vnet_ctx *ctx, struct jinfo *ji)
{
	struct jfile j;
	int r = jfile_read(ctx, &j, 0);

	jinfo_of(ctx, &j, r, ji);
	return 0;
}

int journal_adopt(struct vnet_ctx *ctx, int64_t deadline, int64_t deadline_rt)
{
	struct jfile j;
	char path[300];
	int r = jfile_read(ctx, &j, 1);

	if (r == 0)
		r = journal_path(ctx, path, sizeof(path));
	if (r == 0) {
		struct iovec body = { j.body, j.h.body_len };

		j.h.pid = (int32_t)getpid();
		j.h.start = start_time(getpid());
		j.h.flags |= J_GUARDED;
		j.h.deadline = deadline;
		j.h.deadline_rt = deadline_rt;
		r = write_file(path, &j.h, &body, 1);
	}
	free(j.body);
	return r;
}

/* The link message named name among the journal's messages (a link dump's, not AF_BRIDGE). */
static const struct nlmsghdr *link_msg(const char *msgs, int len, const char *name)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)msgs;

	for (; msgs && mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
		const struct nlattr *a;

		if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)) ||
		    ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_family == AF_BRIDGE)
			continue;
		mnl_attr_for_each(a, h, sizeof(struct ifinfomsg))
			if (mnl_attr_get_type(a) == IFLA_IFNAME &&
			    !strncmp(mnl_attr_get_payload(a), name, mnl_attr_get_payload_len(a)) &&
			    strlen(name) + 1 == mnl_attr_get_payload_len(a))
				return h;
	}
	return NULL;
}

/* A kind's own record (JR_EXT, "KIND\0NAME\0") made again from the link's message. */
static int load_ext(struct vnet_ctx *ctx, struct record *rec, const char *d, uint32_t len,
		    const char *msgs, int mlen)
{
	const char *name = memchr(d, 0, len);
	const struct kind *k = NULL;
	const struct link *l;
	const struct nlmsghdr *h;
	void *data;
	int r;

	if (!name)
		return -EBADMSG;
	name++;
	if (!memchr(name, 0, len - (size_t)(name - d)))
		return -EBADMSG;
	for (const struct kind *const *kp = kind_table; *kp && !k; kp++)
		if (!strcmp((*kp)->name, d) && (*kp)->rec_load)
			k = *kp;
	l = state_by_name(record_state(rec), name);
	h = link_msg(msgs, mlen, name);
	if (!k || !l || !h)
		return -EBADMSG;
	r = k->rec_load(ctx, l, h, &data);
	return r < 0 ? r : record_add_ext(rec, k, name, data);
}

/* The record as record_take() made it, from the journal's body. */
static int rebuild(struct vnet_ctx *ctx, const struct jfile *j, struct record **out)
{
	struct state st;
	struct addrset addrs = { 0 };
	struct routeset routes = { 0 };
	struct plan p = { 0 };
	const int32_t *macs = NULL;
	size_t nmacs = 0, off = 0;
	const char *msgs = NULL;
	int mlen = 0, next = 0, r;

	*out = NULL;
	if (state_init(&st) < 0)
		return vnet_fail(ctx, ENOMEM, "out of memory");
	while (off + sizeof(struct jrec) <= j->h.body_len) {
		struct jrec rec;
		const char *d = j->body + off + sizeof(rec);

		memcpy(&rec, j->body + off, sizeof(rec));
		if (rec.len > j->h.body_len - off - sizeof(rec))
			break;
		if ((rec.type == JR_NAME || rec.type == JR_DELETE) && rec.len && !d[rec.len - 1] &&
		    rec.len <= VNET_NAMSIZ)
			plan_add(&p, rec.type == JR_NAME ? OP_SET : OP_DELETE, NULL, d);
		else if (rec.type == JR_MACUSER)
			macs = (const int32_t *)d, nmacs = rec.len / (2 * sizeof(int32_t));
		else if (rec.type == JR_MSGS && rec.len <= INT32_MAX)
			msgs = d, mlen = (int)rec.len;
		else if (rec.type == JR_EXT)
			next++;
		off += sizeof(rec) + JR_ALIGN(rec.len);
	}
	/* Links first, then their bridge VLANs (a port must be known), addresses and routes. */
	r = 0;
	for (int pass = 0; pass < 2 && r == 0; pass++)
		r = record_decode(msgs, mlen, pass, &st, &addrs, &routes);
	st.what = ST_LINKS | ST_BRVLANS;
	st.have_vlans = 1;
	if (r < 0 || !st.n) {
		state_free(&st);
		free(addrs.a);
		routeset_free(&routes);
		plan_free(&p);
		return vnet_fail(ctx, r < 0 ? -r : EBADMSG, "the journal holds no reading of the host");
	}
	r = record_of(ctx, &st, &addrs, &routes, &p, out);
	plan_free(&p);
	if (r < 0)
		return r;
	struct state *rs = record_state(*out);
	unsigned char *mu = record_mac_user(*out);

	for (size_t i = 0; i < nmacs; i++) {
		const struct link *l = state_by_index(rs, macs[2 * i]);

		if (l)
			mu[l - rs->links] = !!macs[2 * i + 1];
	}
	/* The kinds' own records, from the links' messages. */
	for (off = 0; next && off + sizeof(struct jrec) <= j->h.body_len;) {
		struct jrec rec;

		memcpy(&rec, j->body + off, sizeof(rec));
		if (rec.len > j->h.body_len - off - sizeof(rec))
			break;
		if (rec.type == JR_EXT &&
		    (r = load_ext(ctx, *out, j->body + off + sizeof(rec), rec.len, msgs, mlen)) < 0) {
			record_free(*out);
			*out = NULL;
			return ctx->err.msg[0] ? r : vnet_fail(ctx, -r, "the journal's record of a kind is damaged");
		}
		off += sizeof(rec) + JR_ALIGN(rec.len);
	}
	return 0;
}

static int remove_journal(struct vnet_ctx *ctx)
{
	char path[300];
	int r = journal_path(ctx, path, sizeof(path));

	if (r == 0 && unlink(path) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

int journal_finish(struct vnet_ctx *ctx, const struct jinfo *ji, int confirm)
{
	struct jfile j;
	struct record *rec = NULL;
	char left[400];
	int r;

	if (confirm)
		return remove_journal(ctx);
	r = jfile_read(ctx, &j, 1);
	if (r < 0) {
		free(j.body);
		remove_journal(ctx);
		return vnet_fail(ctx, -r, "the journal of PID %d cannot be read; removed, nothing undone", (int)ji->pid);
	}
	r = rebuild(ctx, &j, &rec);
	free(j.body);
	if (r == 0) {
		r = record_restore(ctx, rec, left, sizeof(left));
		if (r < 0)
			vnet_fail(ctx, -r, "the host could not be put back whole: still to do: %s", left);
	}
	record_free(rec);
	remove_journal(ctx);
	return r;
}

/* ---- what to say ---- */

static void clock_text(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "?");
}

void jinfo_text(const struct jinfo *ji, char *buf, size_t len)
{
	char until[32], what[160] = "";
	int64_t left = (ji->deadline - journal_now()) / 1000000000;

	clock_text(ji->deadline_rt, until, sizeof(until));
	if (ji->what[0])
		snprintf(what, sizeof(what), " (%s)", ji->what);
	if (ji->guarded && ji->alive)
		snprintf(buf, len, "PID %d%s awaits confirmation until %s (%lld s left): vnetctl confirm keeps it, vnetctl rollback undoes it",
			 (int)ji->pid, what, until, (long long)(left > 0 ? left : 0));
	else if (ji->guarded && left >= 0)
		snprintf(buf, len, "PID %d%s, whose guardian died, awaits confirmation until %s (%lld s left): vnetctl confirm keeps it, vnetctl rollback undoes it, else the first vnetctl after %s does",
			 (int)ji->pid, what, until, (long long)left, until);
	else if (ji->alive)
		snprintf(buf, len, "PID %d%s is changing it", (int)ji->pid, what);
	else
		snprintf(buf, len, "PID %d%s was interrupted", (int)ji->pid, what);
}

/* Collects the steps a rollback ran: "a; b; c", the first ones. */
struct undone {
	char text[1500];
	int n, shown;
};

static void collect(struct vnet_ctx *ctx, const char *text)
{
	struct undone *u = ctx->undo_arg;
	size_t l = strlen(u->text);
	const char *t = strncmp(text, "rollback: ", 10) ? text : text + 10;

	u->n++;
	if (l + strlen(t) + 3 < sizeof(u->text) - 40) {
		snprintf(u->text + l, sizeof(u->text) - l, "%s%s", l ? "; " : "", t);
		u->shown++;
	}
}

/* Rolls back a journal whose writer died, and says so. */
static int recover(struct vnet_ctx *ctx, const struct jinfo *ji)
{
	struct undone u = { .text = "" };
	void (*was)(struct vnet_ctx *, const char *) = ctx->on_undo;
	void *was_arg = ctx->undo_arg;
	struct vnet_error saved = ctx->err;
	char until[32], how[300], what[160] = "";
	int r;

	ctx->on_undo = collect;
	ctx->undo_arg = &u;
	memset(&ctx->err, 0, sizeof(ctx->err)); /* saved: the caller's error, if any, is its own */
	ctx->err.word = -1;
	r = journal_finish(ctx, ji, 0);
	ctx->on_undo = was;
	ctx->undo_arg = was_arg;
	if (ji->what[0])
		snprintf(what, sizeof(what), " (%s)", ji->what);
	clock_text(ji->deadline_rt, until, sizeof(until));
	if (ji->guarded)
		snprintf(how, sizeof(how), "rolled back the unconfirmed transaction of PID %d%s, whose guardian died, at its deadline %s",
			 (int)ji->pid, what, until);
	else
		snprintf(how, sizeof(how), "recovered an interrupted transaction of PID %d%s", (int)ji->pid, what);
	char more[48] = "";

	if (u.shown < u.n)
		snprintf(more, sizeof(more), "; and %d more steps", u.n - u.shown);
	if (!u.n)
		vnet_notice(ctx, "%s: nothing to undo", how);
	else
		vnet_notice(ctx, "%s: undid %s%s", how, u.text, more);
	if (r < 0)
		vnet_notice(ctx, "WARNING: %s", ctx->err.msg);
	free(ctx->err.details);
	ctx->err = saved;
	return 0; /* the command goes on: what was left is said */
}

int journal_settle(struct vnet_ctx *ctx, int wait)
{
	int said = 0;

	for (;;) {
		struct jinfo ji;
		char text[400];

		journal_info(ctx, &ji);
		if (!ji.present)
			return 0;
		if (ji.stale) {
			/* Another namespace's, gone (its files are swept when seen): nothing to say here. */
			remove_journal(ctx);
			if (ji.stale == J_TORN)
				vnet_notice(ctx, "removed a journal that could not be read whole: nothing was rolled back");
			if (ji.stale == J_REBOOTED)
				vnet_notice(ctx, "removed the journal of a transaction interrupted before the host last booted: nothing was rolled back");
			return 0;
		}
		if (!ji.alive && (!ji.guarded || journal_now() >= ji.deadline))
			return recover(ctx, &ji);
		/*
		 * A guardian that died before its deadline: the transaction is
		 * still pending (vnetctl confirm, vnetctl rollback or the
		 * deadline end it). So is one whose writer holds the journal
		 * without the lock, which only a lock file removed by hand allows.
		 */
		jinfo_text(&ji, text, sizeof(text));
		if (!wait)
			return vnet_fail(ctx, EWOULDBLOCK,
					 "a transaction is pending in this namespace: %s; try again, or leave out --no-wait",
					 text);
		if (!said++)
			vnet_notice(ctx, "waiting: %s", text);
		/* Not holding the lock meanwhile: confirm and rollback take it. */
		flock(ctx->lock_fd, LOCK_UN);
		int64_t left = ji.deadline - journal_now();
		struct timespec nap = { 0, left > 0 && left < 250000000 ? left : 250000000 };

		nanosleep(&nap, NULL);
		while (flock(ctx->lock_fd, LOCK_EX) < 0)
			if (errno != EINTR)
				return vnet_fail(ctx, errno, "cannot take the namespace's lock again");
	}
}

void journal_look(struct vnet_ctx *ctx)
{
	struct jinfo ji;
	char text[400];

	journal_info(ctx, &ji);
	if (!ji.present)
		return;
	if (ji.alive || (ji.guarded && !ji.stale && journal_now() < ji.deadline)) {
		jinfo_text(&ji, text, sizeof(text));
		vnet_notice(ctx, "a transaction is pending: %s", text);
		return;
	}
	if (!vnet_may_change_links()) {
		vnet_notice(ctx, "a transaction of PID %d was interrupted; the next vnetctl run as root rolls it back",
			    (int)ji.pid);
		return;
	}
	/* Rolled back under the lock, as a change command would (vnet_lock settles it). */
	struct vnet_error saved = ctx->err;

	memset(&ctx->err, 0, sizeof(ctx->err));
	ctx->err.word = -1;
	if (vnet_lock(ctx, 1) == 0)
		vnet_unlock(ctx);
	else
		vnet_notice(ctx, "%s", ctx->err.msg);
	free(ctx->err.details);
	ctx->err = saved;
}
