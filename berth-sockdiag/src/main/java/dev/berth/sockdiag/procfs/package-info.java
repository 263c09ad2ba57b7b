/**
 * The Linux proc filesystem as Berth's socket diagnostics read it: the socket tables
 * ({@code net/tcp}, {@code net/tcp6}, {@code net/udp}, {@code net/udp6}), the counters
 * ({@code net/netstat}, {@code net/snmp}), the sysctls that govern ports and TIME_WAIT, and
 * which process holds which socket; everything behind {@link dev.berth.sockdiag.procfs.Procfs},
 * a root path, so that fixtures and {@code /proc/PID/net} are read the same way.
 */
package dev.berth.sockdiag.procfs;
