package dev.berth.sockdiag;

import dev.berth.sockdiag.procfs.Transport;
import java.util.Set;

/**
 * A port whose default service must not face every interface: a database, cache, cluster or
 * admin API that trusts whoever can connect.
 *
 * @param port the port
 * @param transports where it matters (memcached's UDP port is an amplification risk too)
 * @param service the service, {@code MongoDB}
 * @param risk what exposure means
 * @param advice how to bind it safely
 */
public record SensitivePort(int port, Set<Transport> transports, String service, String risk, String advice) {

    public SensitivePort {
        transports = Set.copyOf(transports);
    }
}
