// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/dump-floor NETNS: the least work a tool that reads the host before
 * it plans can do. It enters the namespace, asks for one dump of every
 * link (the request vnetctl sends, RTEXT_FILTER_SKIP_STATS) and reads it
 * to the end, decoding nothing. bench/run sets its time beside the no-op
 * re-apply's: what no tool that reads the kernel can go under.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[32768];
	char path[300];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	int fd, r, done = 0, err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: dump-floor NETNS\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", argv[1]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		perror(path);
		return 1;
	}
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink");
		return 1;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = (unsigned int)time(NULL);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("send");
		return 1;
	}
	/* To the end of the dump: DONE (or an error) closes it. */
	while (!done && (r = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, r); nlh = mnl_nlmsg_next(nlh, &r))
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				/* An error, or a DONE holding one: the dump failed. */
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
			}
	mnl_socket_close(nl);
	close(fd);
	if (err < 0)
		fprintf(stderr, "dump-floor: the dump failed (errno %d)\n", -err);
	return done && err >= 0 ? 0 : 1;
}
