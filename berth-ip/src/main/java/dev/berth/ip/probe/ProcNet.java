package dev.berth.ip.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The IPv6 tables under {@code /proc/net}, as text. An interface so that parsing is tested from
 * fixture text; {@link #system()} reads the running kernel's.
 */
public interface ProcNet {

    /** {@code /proc/net/if_inet6}: one line per IPv6 address; empty when the file does not exist (IPv6 off in the kernel). */
    Optional<String> ifInet6() throws IOException;

    /** {@code /proc/net/ipv6_route}: the main IPv6 routing table; empty when the file does not exist. */
    Optional<String> ipv6Route() throws IOException;

    /** The files of this host (of this process's network namespace). */
    static ProcNet system() {
        return of(Path.of("/proc/net"));
    }

    /** The files in {@code directory}, named as under {@code /proc/net}. */
    static ProcNet of(Path directory) {
        return new ProcNet() {
            @Override
            public Optional<String> ifInet6() throws IOException {
                return read(directory.resolve("if_inet6"));
            }

            @Override
            public Optional<String> ipv6Route() throws IOException {
                return read(directory.resolve("ipv6_route"));
            }

            private Optional<String> read(Path file) throws IOException {
                try {
                    return Optional.of(Files.readString(file));
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                }
            }
        };
    }

    /** Fixed text, for tests; {@code null} stands for a missing file. */
    static ProcNet of(String ifInet6, String ipv6Route) {
        return new ProcNet() {
            @Override
            public Optional<String> ifInet6() {
                return Optional.ofNullable(ifInet6);
            }

            @Override
            public Optional<String> ipv6Route() {
                return Optional.ofNullable(ipv6Route);
            }
        };
    }
}
