package dev.berth.sockdiag.inetdiag;

/**
 * What the kernel's socket-diagnostics interface says about one socket that procfs does not.
 *
 * @param inode the socket's inode (the same number as in {@code /proc/net/tcp})
 * @param v6only for an IPv6 socket, whether IPV6_V6ONLY is set: {@code false} means a {@code ::}
 *     socket also takes IPv4 (dual-stack); {@code null} for IPv4 sockets or when not reported
 * @param queue for a listener, connections waiting to be accepted ({@code idiag_rqueue})
 * @param backlog for a listener, the most that may wait: its listen() backlog capped by
 *     {@code net.core.somaxconn} ({@code idiag_wqueue}; {@code ss -l} shows it as Send-Q)
 */
public record SocketDetail(long inode, Boolean v6only, long queue, long backlog) {}
