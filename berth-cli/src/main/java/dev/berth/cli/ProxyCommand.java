package dev.berth.cli;

import dev.berth.proxy.ProxyServer;
import dev.berth.proxy.config.ConfigDump;
import dev.berth.proxy.config.ConfigException;
import dev.berth.proxy.config.ConfigLoader;
import dev.berth.proxy.config.ConfigSource;
import dev.berth.proxy.config.LoadedConfig;
import dev.berth.server.lifecycle.ReloadSignal;
import dev.berth.server.lifecycle.ShutdownSignals;
import dev.berth.server.listen.BindFailedException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code berth proxy}: the L4 sidecar proxy. */
@Command(
        name = "proxy",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "L4 proxy: accepts on each listener and relays every connection to an endpoint of its cluster.",
            "Without --config, the built-in sidecar: listener 'inbound' on 0.0.0.0:15001 -> 127.0.0.1:8080,",
            "admin on 127.0.0.1:15000. SIGTERM/SIGINT (or POST /drain) drains gracefully; a second SIGINT exits at once.",
            "SIGHUP (or POST /reload) re-reads --config and applies what changed without dropping a connection.",
            "Config reference: docs/config-reference.md."
        })
final class ProxyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration (default: the built-in sidecar).")
    Path config;

    @Option(names = "--check", description = "Validate the configuration, print it with every default filled in, and exit (0 valid, 2 not), like nginx -t.")
    boolean check;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "Event-loop threads for the data path (default: 0 = one per core).")
    int threads;

    @Mixin
    TransportOption transport;

    @Mixin
    LoggingOptions logging;

    ConfigSource source() {
        return config == null ? ConfigSource.fixed(ConfigLoader.defaults(), "built-in") : ConfigSource.file(config);
    }

    @Override
    public Integer call() {
        ConfigSource source = source();
        LoadedConfig loaded;
        try {
            loaded = source.load();
        } catch (ConfigException e) {
            throw new CommandFailedException(e.getMessage(), 2);
        }
        if (check) {
            spec.commandLine().getOut().print(ConfigDump.toYaml(loaded.config()));
            spec.commandLine().getOut().flush();
            return 0;
        }
        logging.apply();
        ShutdownSignals signals = ShutdownSignals.install();
        ProxyServer server;
        try {
            server = ProxyServer.start(loaded, source, Math.max(0, threads), transport.resolve(), InetAddress::getAllByName);
        } catch (BindFailedException e) {
            throw new CommandFailedException(e.getMessage(), 1);
        }
        ReloadSignal.install(() -> server.reloadAsync("SIGHUP"));
        String why = CompletableFuture.anyOf(signals.requested(), server.drainRequested()).join().toString();
        LoggerFactory.getLogger("berth.lifecycle").atInfo().setMessage("shutdown requested").addKeyValue("by", why).log();
        server.drain();
        return 0;
    }
}
