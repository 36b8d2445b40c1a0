// The only compiled C of CKoriumSys: the mmsg system calls (declared by glibc only under
// _GNU_SOURCE) and compile-time proofs that the mirrors in CKoriumSys.h match glibc.
#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stddef.h>
#include "CKoriumSys.h"

_Static_assert(sizeof(korium_mmsghdr) == sizeof(struct mmsghdr), "mmsghdr size");
_Static_assert(offsetof(korium_mmsghdr, msg_hdr) == offsetof(struct mmsghdr, msg_hdr), "mmsghdr.msg_hdr");
_Static_assert(offsetof(korium_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "mmsghdr.msg_len");
_Static_assert(sizeof(korium_in6_pktinfo) == sizeof(struct in6_pktinfo), "in6_pktinfo size");
_Static_assert(offsetof(korium_in6_pktinfo, ipi6_ifindex) == offsetof(struct in6_pktinfo, ipi6_ifindex), "in6_pktinfo.ipi6_ifindex");
_Static_assert(SOL_UDP == 17 && UDP_SEGMENT == 103 && UDP_GRO == 104, "UDP GSO/GRO constants");
_Static_assert(IPV6_RECVPKTINFO == 49 && IPV6_PKTINFO == 50, "IPv6 pktinfo constants");
_Static_assert(IPV6_RECVTCLASS == 66 && IPV6_TCLASS == 67, "IPv6 traffic class constants");
_Static_assert(IP_MTU_DISCOVER == 10 && IP_PMTUDISC_PROBE == 3, "IPv4 PMTU discovery constants");
_Static_assert(IPV6_MTU_DISCOVER == 23 && IPV6_PMTUDISC_PROBE == 3 && IPV6_DONTFRAG == 62, "IPv6 PMTU discovery constants");

int korium_sendmmsg(int fd, korium_mmsghdr *vec, unsigned int vlen, int flags) {
    return sendmmsg(fd, (struct mmsghdr *)vec, vlen, flags);
}

int korium_recvmmsg(int fd, korium_mmsghdr *vec, unsigned int vlen, int flags) {
    return recvmmsg(fd, (struct mmsghdr *)vec, vlen, flags, NULL);
}
