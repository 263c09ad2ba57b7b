package dev.berth.proxy.portpressure;

/**
 * How full one endpoint's pool of ephemeral ports is, at one sample.
 *
 * @param cluster the cluster's name
 * @param endpoint the endpoint, {@code ip:port}
 * @param source the address its connections leave from ({@code source_address}, or the kernel's
 *     choice), or {@code null} when that is unknown and the fullest source was taken
 * @param sockets sockets from {@code source} to the endpoint holding an ephemeral port (any
 *     process's, TIME_WAIT included: they all take from the same pool)
 * @param usable the usable pool: {@code ip_local_port_range} minus reserved ports minus ports
 *     listeners hold in it
 * @param ratio {@code sockets / usable}, 0-1 (1 when nothing is usable)
 * @param states the sockets by state, most first ({@code 9 TIME_WAIT, 1 ESTABLISHED}), empty when none
 */
public record EndpointPressure(String cluster, String endpoint, String source, int sockets, int usable, double ratio,
        String states) {

    /** The ratio as a whole percentage, rounded down (99.6 % is not shown as full). */
    public long percent() {
        return (long) Math.floor(ratio * 100 + 1e-9);
    }
}
