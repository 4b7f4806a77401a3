/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netstate.c: IPv6 addresses and default route from rtnetlink dumps. */
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "log.h"
#include "netstate.h"
#include "nl.h"

static int
addr_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) <= IFA_MAX)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ns_ipv6 *o = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct in6_addr *a;

	if (ifa->ifa_family != AF_INET6 || ifa->ifa_scope != RT_SCOPE_UNIVERSE ||
	    (ifa->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED |
	    IFA_F_DEPRECATED)))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, tb);
	if (tb[IFA_ADDRESS] == NULL ||
	    mnl_attr_get_payload_len(tb[IFA_ADDRESS]) != 16)
		return MNL_CB_OK;
	a = mnl_attr_get_payload(tb[IFA_ADDRESS]);
	if ((a->s6_addr[0] & 0xfe) == 0xfc)
		o->ula = 1;
	else if ((a->s6_addr[0] & 0xe0) == 0x20) {
		o->global = 1;	/* 2000::/3 */
		if (o->naddrs < NS_MAX_ADDRS)
			o->addrs[o->naddrs++] = *a;
	}
	return MNL_CB_OK;
}

static int
route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ns_ipv6 *o = data;
	const struct rtmsg *rt = mnl_nlmsg_get_payload(nlh);

	if (rt->rtm_family == AF_INET6 && rt->rtm_dst_len == 0 &&
	    rt->rtm_type == RTN_UNICAST)
		o->default_route = 1;
	return MNL_CB_OK;
}

static int
dump(struct nl *nl, uint16_t type, size_t hdrlen, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	g->rtgen_family = AF_INET6;
	return nl_dump(nl, nlh, cb, data);
}

int
ns_ipv6_read(struct ns_ipv6 *out)
{
	struct nl nl;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = nl_open(&nl, NETLINK_ROUTE)) == NL_ESOCKET)
		return -1;
	if (rc == NL_EBIND ||
	    dump(&nl, RTM_GETADDR, sizeof(struct ifaddrmsg), addr_cb, out) == -1 ||
	    dump(&nl, RTM_GETROUTE, sizeof(struct rtmsg), route_cb, out) == -1) {
		log_warn("rtnetlink");
		rc = -1;
	}
	nl_close(&nl);
	return rc;
}

int
ns_addr_watch(void)
{
	struct mnl_socket *nl;
	int fd;

	if ((nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) == NULL)
		return -1;
	if (mnl_socket_bind(nl, RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_IFADDR,
	    MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return -1;
	}
	/* The descriptor outlives the libmnl handle; it is all we need. */
	fd = dup(mnl_socket_get_fd(nl));
	mnl_socket_close(nl);
	return fd;
}

int
ns_addr_event(int fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlmsghdr *nlh;
	const struct ifaddrmsg *ifa;
	ssize_t n;
	int len, appeared = 0;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		    nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != RTM_NEWADDR)
				continue;
			ifa = mnl_nlmsg_get_payload(nlh);
			if (ifa->ifa_scope == RT_SCOPE_UNIVERSE &&
			    !(ifa->ifa_flags & IFA_F_TENTATIVE))
				appeared = 1;
		}
	}
	return appeared;
}
