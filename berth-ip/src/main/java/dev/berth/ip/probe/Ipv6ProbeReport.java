package dev.berth.ip.probe;

/**
 * The three separate answers of the {@link Ipv6Probe}. They are independent: a host can create
 * IPv6 sockets and bind {@code ::1} yet have no route off the host (a typical container), or
 * have global IPv6 while the JVM was started with {@code -Djava.net.preferIPv4Stack=true}.
 *
 * @param sockets the kernel (and this JVM) can create AF_INET6 sockets
 * @param loopback a TCP socket can be bound to {@code [::1]}
 * @param global the host has a usable global IPv6 address and a default IPv6 route
 */
public record Ipv6ProbeReport(ProbeAnswer sockets, ProbeAnswer loopback, ProbeAnswer global) {}
