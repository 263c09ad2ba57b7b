package dev.berth.proxy.portpressure;

import dev.berth.sockdiag.EphemeralUse;
import dev.berth.sockdiag.procfs.KernelSettings;
import dev.berth.sockdiag.procfs.Procfs;
import dev.berth.sockdiag.procfs.SocketTable;
import dev.berth.sockdiag.procfs.Transport;
import java.io.IOException;
import java.nio.ByteOrder;

/** Reads how the namespace's TCP sockets use the ephemeral ports right now; tests pass fixtures. */
@FunctionalInterface
public interface PortUseReader {

    EphemeralUse read() throws IOException;

    /**
     * From {@code proc}'s TCP tables and port sysctls only (no process scan, no counters): cheap
     * enough to run every few seconds. Lines it cannot parse are skipped.
     */
    static PortUseReader procfs(Procfs proc, ByteOrder order) {
        return () -> EphemeralUse.of(SocketTable.read(proc, Transport.TCP, order).value(), KernelSettings.read(proc).value());
    }
}
