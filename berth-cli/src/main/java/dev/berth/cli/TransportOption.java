package dev.berth.cli;

import dev.berth.server.transport.Transport;
import picocli.CommandLine.Option;

/** {@code --transport}, shared by the server commands. */
final class TransportOption {

    @Option(names = "--transport", paramLabel = "NAME",
            converter = Converters.TransportName.class,
            description = "Socket transport: auto (epoll where it loads, else nio), epoll, io_uring or nio"
                    + " (default: auto, or what -Dberth.transport names). io_uring suits many small request/response exchanges;"
                    + " only epoll has the zero-copy relay. One that cannot run here falls back to auto, with a warning.")
    String name;

    /**
     * The transport to run on: the one named, else the one {@code -Dberth.transport} names, else
     * the best here. Call after logging is configured, since a fallback logs a warning.
     */
    Transport resolve() {
        return name == null ? Transport.best() : Transport.choose(name);
    }
}
