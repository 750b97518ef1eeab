// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * record-dumps DIR NAME: records the link dumps vnetctl reads, in the
 * current network namespace, as seeds for the fuzz_dump target.
 *
 * The same two dumps as state_load(): RTM_GETLINK AF_UNSPEC with VF info and
 * bridge VLANs, then AF_BRIDGE with compressed VLAN ranges. Every
 * RTM_NEWLINK message is written to DIR/NAME-N.bin (N from 1), and the
 * whole reading, the link messages and then the AF_BRIDGE ones, to
 * DIR/NAME-all.bin. Prints the number of messages.
 *
 * Built with -Dfuzz=true; tests/fuzz/record runs it in namespaces it sets up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#ifndef RTEXT_FILTER_SKIP_STATS
#define RTEXT_FILTER_SKIP_STATS (1 << 3)
#endif
#ifndef RTEXT_FILTER_BRVLAN_COMPRESSED
#define RTEXT_FILTER_BRVLAN_COMPRESSED (1 << 2)
#endif

static const char *dir, *name;
static int count;
static FILE *all;

static int save(const struct nlmsghdr *nlh, void *data)
{
	char path[4096];
	FILE *f;

	(void)data;
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	snprintf(path, sizeof(path), "%s/%s-%d.bin", dir, name, ++count);
	f = fopen(path, "wb");
	if (!f || fwrite(nlh, 1, nlh->nlmsg_len, f) != nlh->nlmsg_len || fclose(f)) {
		perror(path);
		exit(1);
	}
	/* Back to back as recv() returns them: each at an aligned offset. */
	static const char pad[4];

	if (fwrite(nlh, 1, nlh->nlmsg_len, all) != nlh->nlmsg_len ||
	    fwrite(pad, 1, MNL_ALIGN(nlh->nlmsg_len) - nlh->nlmsg_len, all) !=
		    MNL_ALIGN(nlh->nlmsg_len) - nlh->nlmsg_len) {
		perror("write");
		exit(1);
	}
	return MNL_CB_OK;
}

static void dump(struct mnl_socket *nl, unsigned int portid, unsigned char family,
		 unsigned int mask)
{
	char req[256], *buf = malloc(1 << 16);
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	unsigned int seq = (unsigned int)time(NULL) + family;
	int r;

	memset(req, 0, sizeof(req));
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = family;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, mask);
	if (!buf || mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("send");
		exit(1);
	}
	do {
		ssize_t n = mnl_socket_recvfrom(nl, buf, 1 << 16);

		if (n < 0) {
			perror("recv");
			exit(1);
		}
		r = mnl_cb_run(buf, (size_t)n, seq, portid, save, NULL);
	} while (r > 0);
	if (r < 0) {
		perror("dump");
		exit(1);
	}
	free(buf);
}

int main(int argc, char **argv)
{
	struct mnl_socket *nl;
	char path[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: record-dumps DIR NAME\n");
		return 2;
	}
	dir = argv[1];
	name = argv[2];
	snprintf(path, sizeof(path), "%s/%s-all.bin", dir, name);
	all = fopen(path, "wb");
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!all || !nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("record-dumps");
		return 1;
	}
	dump(nl, mnl_socket_get_portid(nl), AF_UNSPEC,
	     RTEXT_FILTER_VF | RTEXT_FILTER_BRVLAN | RTEXT_FILTER_SKIP_STATS);
	dump(nl, mnl_socket_get_portid(nl), AF_BRIDGE, RTEXT_FILTER_BRVLAN_COMPRESSED);
	mnl_socket_close(nl);
	if (fclose(all)) {
		perror(path);
		return 1;
	}
	printf("%s: %d messages\n", name, count);
	return 0;
}
