package dev.berth.sockdiag;

import dev.berth.sockdiag.procfs.Transport;

/**
 * What binding a port on one address would do.
 *
 * @param transport TCP or UDP
 * @param address the address tried, as written: {@code 0.0.0.0}, {@code 127.0.0.1}, {@code [::] dual-stack},
 *     {@code [::] IPv6-only}, {@code ::1}
 * @param verdict ok, fails or may fail
 * @param error the errno it would fail with, {@code EADDRINUSE} or {@code EACCES}; {@code null} when ok
 * @param reason why, naming the socket in the way and its process
 */
public record BindOutcome(Transport transport, String address, BindVerdict verdict, String error, String reason) {}
