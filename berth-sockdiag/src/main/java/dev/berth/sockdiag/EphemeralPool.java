package dev.berth.sockdiag;

import dev.berth.sockdiag.procfs.PortRange;

/**
 * The ports {@code connect()} can pick from: {@code ip_local_port_range} minus the reserved
 * ports in it minus the ports {@code bind()}-held by listeners in it.
 *
 * @param range the ephemeral range
 * @param rangeKnown false when the sysctl could not be read and the kernel default was assumed
 * @param reservedInRange ports of {@code ip_local_reserved_ports} inside the range
 * @param boundInRange distinct ports of TCP listeners inside the range (and not reserved)
 * @param usable what is left, per (source IP, destination IP, destination port)
 */
public record EphemeralPool(PortRange range, boolean rangeKnown, int reservedInRange, int boundInRange, int usable) {}
