/**
 * What procfs does not say about listening sockets, asked of the kernel over NETLINK_SOCK_DIAG
 * (the interface {@code ss} uses) through the Foreign Function API: whether an IPv6 socket is
 * IPv6-only ({@code INET_DIAG_SKV6ONLY}) and a listener's backlog next to its accept queue.
 */
package dev.berth.sockdiag.inetdiag;
