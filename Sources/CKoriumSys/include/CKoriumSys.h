// CKoriumSys: Linux interfaces that Swift's Glibc module hides (epoll, eventfd, mmsghdr with
// sendmmsg/recvmmsg, in6_pktinfo, UDP GSO/GRO, the CMSG_* macros). Declarations and one-line
// static-inline wrappers only, no logic; layouts and constants are checked by _Static_assert in
// shim.c against the real glibc definitions (which need _GNU_SOURCE).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <pthread.h>

/// Mirror of glibc's `struct mmsghdr` (hidden without _GNU_SOURCE).
typedef struct {
    struct msghdr msg_hdr;
    unsigned int msg_len;
} korium_mmsghdr;

/// Mirror of glibc's `struct in6_pktinfo` (hidden without _GNU_SOURCE).
typedef struct {
    struct in6_addr ipi6_addr;
    unsigned int ipi6_ifindex;
} korium_in6_pktinfo;

/// sendmmsg(2).
int korium_sendmmsg(int fd, korium_mmsghdr *vec, unsigned int vlen, int flags);
/// recvmmsg(2) without a timeout.
int korium_recvmmsg(int fd, korium_mmsghdr *vec, unsigned int vlen, int flags);

static inline struct cmsghdr *korium_CMSG_FIRSTHDR(struct msghdr *m) { return CMSG_FIRSTHDR(m); }
static inline struct cmsghdr *korium_CMSG_NXTHDR(struct msghdr *m, struct cmsghdr *c) { return CMSG_NXTHDR(m, c); }
static inline unsigned char *korium_CMSG_DATA(struct cmsghdr *c) { return CMSG_DATA(c); }
static inline size_t korium_CMSG_SPACE(size_t len) { return CMSG_SPACE(len); }
static inline size_t korium_CMSG_LEN(size_t len) { return CMSG_LEN(len); }

static const int korium_SOL_UDP = 17;
static const int korium_UDP_SEGMENT = 103;
static const int korium_UDP_GRO = 104;
static const int korium_IPV6_RECVPKTINFO = 49;
static const int korium_IPV6_PKTINFO = 50;
static const int korium_IPV6_RECVTCLASS = 66;
static const int korium_IPV6_TCLASS = 67;
static const int korium_IP_MTU_DISCOVER = 10;
static const int korium_IP_PMTUDISC_PROBE = 3;
static const int korium_IPV6_MTU_DISCOVER = 23;
static const int korium_IPV6_PMTUDISC_PROBE = 3;
static const int korium_IPV6_DONTFRAG = 62;

static const uint32_t korium_EPOLLIN = EPOLLIN;
static const uint32_t korium_EPOLLOUT = EPOLLOUT;
static const uint32_t korium_EPOLLERR = EPOLLERR;
static const uint32_t korium_EPOLLHUP = EPOLLHUP;
static const int korium_EPOLL_CLOEXEC = EPOLL_CLOEXEC;
static const int korium_EFD_CLOEXEC = EFD_CLOEXEC;
static const int korium_EFD_NONBLOCK = EFD_NONBLOCK;
