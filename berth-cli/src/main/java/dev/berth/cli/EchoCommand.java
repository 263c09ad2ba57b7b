package dev.berth.cli;

import dev.berth.echo.EchoOptions;
import dev.berth.echo.EchoServer;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.lifecycle.ShutdownSignals;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.listen.Listeners;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code berth echo}: a TCP echo server with limits, structured logs and graceful shutdown. */
@Command(
        name = "echo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "TCP echo server: every byte a client sends comes back, in order.",
            "SIGTERM or SIGINT drains gracefully (new connections refused, open ones finish until",
            "--drain-timeout); a second SIGINT exits at once."
        })
final class EchoCommand implements Callable<Integer> {

    @Option(names = "--bind", paramLabel = "ADDR", converter = Converters.IpLiteral.class,
            description = "IP address to listen on; repeat for several (default: all interfaces, [::] dual-stack where IPv6 exists, else 0.0.0.0).")
    List<InetAddress> bind = new ArrayList<>();

    @Option(names = "--port", paramLabel = "N", defaultValue = "8888", converter = Converters.PortOrZero.class,
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free port, logged in the 'listening' record).")
    int port;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000", converter = Converters.PositiveInt.class,
            description = "Connections served at once; more are accepted and closed at once (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--idle-timeout", paramLabel = "DUR", defaultValue = "0", converter = Converters.DurationValue.class,
            description = "Close a connection after this long with no traffic, e.g. 30s (default: 0 = off).")
    Duration idleTimeout;

    @Option(names = "--drain-timeout", paramLabel = "DUR", defaultValue = "10s", converter = Converters.DurationValue.class,
            description = "On shutdown, how long open connections may continue (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Event-loop threads (default: 0 = one per core).")
    int threads;

    @Mixin
    TransportOption transport;

    @Mixin
    LoggingOptions logging;

    EchoOptions options() {
        List<InetAddress> ips = bind.isEmpty() ? List.of(Listeners.allInterfaces()) : bind;
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (InetAddress ip : ips) {
            addresses.add(new InetSocketAddress(ip, port));
        }
        return new EchoOptions(addresses, maxConnections, idleTimeout, drainTimeout, Math.max(0, threads));
    }

    @Override
    public Integer call() {
        logging.apply();
        EchoOptions options = options();
        ShutdownSignals signals = ShutdownSignals.install();
        EchoServer server;
        try {
            server = EchoServer.start(options, transport.resolve(), ConnectionObserver.NONE);
        } catch (BindFailedException e) {
            throw new CommandFailedException(e.getMessage(), 1);
        }
        String signal = signals.requested().join();
        LoggerFactory.getLogger("berth.lifecycle").atInfo()
                .setMessage("shutdown requested").addKeyValue("signal", signal).log();
        server.drain();
        return 0;
    }
}
