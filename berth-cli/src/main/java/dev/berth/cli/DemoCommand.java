package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.cli.DemoClients.ClientRun;
import dev.berth.cli.DemoClients.Refusal;
import dev.berth.echo.EchoOptions;
import dev.berth.echo.EchoServer;
import dev.berth.ip.Prefix;
import dev.berth.proxy.ProxyServer;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.config.AccessLogConfig;
import dev.berth.proxy.config.AdminConfig;
import dev.berth.proxy.config.ClusterConfig;
import dev.berth.proxy.config.EndpointConfig;
import dev.berth.proxy.config.HealthCheckConfig;
import dev.berth.proxy.config.ListenerConfig;
import dev.berth.proxy.config.PolicyConfig;
import dev.berth.proxy.config.ProxyConfig;
import dev.berth.proxy.config.ShutdownConfig;
import dev.berth.proxy.listener.ProxyListener;
import dev.berth.server.conn.ConnectionObserver;
import dev.berth.server.conn.ConnectionRecord;
import dev.berth.server.listen.BindFailedException;
import dev.berth.server.listen.SocketAddresses;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code berth demo}: two echo backends on loopback behind the proxy, with a source policy and
 * health checks; clients over IPv4 and (where available) IPv6, a client the policy denies, and
 * a backend that fails while new connections keep arriving. Prints what happened. The README's
 * first command.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Starts two echo backends and the berth proxy in front of them on free loopback ports, with",
            "a source-CIDR policy and TCP health checks. Connects clients to the proxy over IPv4 and IPv6",
            "(messages and a 1 MiB payload, half-closed, checked byte for byte), connects a client from",
            "127.0.0.2 that the policy denies, then stops one backend while new clients keep connecting",
            "and shows them failing over to the other. Drains everything and prints what happened, with",
            "the proxy's access log. Takes a few seconds. Server logs go to standard error (default",
            "level: warn)."
        })
final class DemoCommand implements Callable<Integer> {

    private static final String CLUSTER = "echo";
    private static final InetAddress DENIED_SOURCE = InetAddress.ofLiteral("127.0.0.2");
    private static final PolicyConfig POLICY = new PolicyConfig(PolicyConfig.Action.DENY,
            List.of(Prefix.parse("127.0.0.0/8"), Prefix.parse("::1/128")), List.of(Prefix.parse("127.0.0.2/32")), false);
    private static final HealthCheckConfig HEALTH_CHECK =
            HealthCheckConfig.tcp().withTiming(Duration.ofMillis(100), Duration.ofMillis(500), 2, 2);
    /** New clients while a backend is down: one every 40 ms, at most 3 s of them. */
    private static final Duration FAILOVER_PACE = Duration.ofMillis(40);
    private static final int FAILOVER_MAX_CONNECTIONS = 75;
    /** Connections after the health check took the failed backend out, before the demo moves on. */
    private static final int FAILOVER_CONNECTIONS_AFTER_OUT = 4;

    @Spec
    CommandSpec spec;

    @Mixin
    LoggingOptions logging;

    /** One echo backend: its label in the output, the server and its bound address. */
    private record Backend(String label, EchoServer server, InetSocketAddress address) {}

    /** A new connection made while a backend was down, {@code atMillis} after it stopped. */
    private record FailoverConnection(long atMillis, boolean afterOut, ClientRun run) {}

    /**
     * The failover part: the backend that failed, when the health check took it out
     * ({@code -1}: it did not within the bound), why, and the connections made meanwhile.
     */
    private record Failover(Backend failed, long outAtMillis, String checkError, List<FailoverConnection> connections) {}

    @Override
    public Integer call() throws Exception {
        if (!spec.commandLine().getParseResult().hasMatchedOption("--log-level")) {
            logging.level = ch.qos.logback.classic.Level.WARN;
        }
        logging.apply();
        PrintWriter out = spec.commandLine().getOut();

        boolean v6 = canBindIpv6Loopback();
        InetAddress v4Loopback = InetAddress.ofLiteral("127.0.0.1");
        InetAddress bAddress = v6 ? InetAddress.ofLiteral("::1") : v4Loopback;
        // The echo servers' records of connections that carried data (health checks carry none).
        ConcurrentLinkedQueue<Map.Entry<String, ConnectionRecord>> echoRecords = new ConcurrentLinkedQueue<>();
        Semaphore dataClosed = new Semaphore(0);
        List<Backend> backends = new ArrayList<>();
        try {
            backends.add(startBackend("a", v4Loopback, echoRecords, dataClosed));
            backends.add(startBackend("b", bAddress, echoRecords, dataClosed));
        } catch (BindFailedException e) {
            backends.forEach(b -> b.server().close());
            throw new CommandFailedException(e.getMessage(), 1);
        }
        Backend a = backends.get(0);
        Backend b = backends.get(1);

        // The proxy in front: one listener per loopback family, both backends as one round-robin
        // cluster (so families cross), a policy and health checks, access log to a file we print.
        Path accessLog = Files.createTempFile("berth-demo-access", ".log");
        List<ListenerConfig> listenerConfigs = new ArrayList<>();
        for (InetAddress ip : v6 ? List.of(v4Loopback, InetAddress.ofLiteral("::1")) : List.of(v4Loopback)) {
            listenerConfigs.add(new ListenerConfig(ip instanceof Inet6Address ? "demo-v6" : "demo-v4", new InetSocketAddress(ip, 0),
                    CLUSTER, 128, Duration.ofMinutes(1), Duration.ZERO, 65536, true,
                    new AccessLogConfig(AccessLogConfig.Target.FILE, accessLog), ListenerConfig.ProxyProtocol.NONE, List.of(),
                    ListenerConfig.DEFAULT_PROXY_PROTOCOL_TIMEOUT, POLICY));
        }
        ClusterConfig cluster = new ClusterConfig(CLUSTER, ClusterConfig.Discovery.STATIC,
                backends.stream().map(x -> new EndpointConfig(SocketAddresses.ip(x.address()), x.address().getPort(), 1)).toList(),
                ClusterConfig.LbPolicy.ROUND_ROBIN, Duration.ofSeconds(2), 100, 2, Duration.ofSeconds(5)).withHealthCheck(HEALTH_CHECK);
        ProxyConfig proxyConfig = new ProxyConfig(new AdminConfig(new InetSocketAddress(v4Loopback, 0)),
                listenerConfigs, List.of(cluster), new ShutdownConfig(Duration.ZERO, Duration.ofSeconds(2)));
        ProxyServer proxy;
        try {
            proxy = ProxyServer.start(proxyConfig, 1, InetAddress::getAllByName);
        } catch (BindFailedException e) {
            backends.forEach(x -> x.server().close());
            Files.deleteIfExists(accessLog);
            throw new CommandFailedException(e.getMessage(), 1);
        }
        List<InetSocketAddress> listeners = proxy.listeners().stream().map(ProxyListener::boundAddress).toList();
        InetSocketAddress v4Listener = proxy.listener("demo-v4").boundAddress();

        List<ClientRun> runs = new ArrayList<>();
        Refusal refusal;
        Failover failover;
        String metrics;
        boolean bStopped = false;
        try {
            for (InetSocketAddress address : listeners) {
                String family = family(address);
                runs.add(DemoClients.messages(family, address));
                runs.add(DemoClients.payload(family, address));
            }
            refusal = DemoClients.fromDeniedSource(DENIED_SOURCE, v4Listener);
            b.server().close();
            bStopped = true;
            failover = failover(proxy, b, System.nanoTime(), listeners);
            metrics = proxy.metrics().scrape();
            long carriedData = runs.stream().filter(ClientRun::exact).count()
                    + failover.connections().stream().filter(c -> c.run().exact()).count();
            dataClosed.tryAcquire((int) carriedData, 5, TimeUnit.SECONDS);
        } finally {
            proxy.drain();
            a.server().drain();
            if (!bStopped) {
                b.server().close();
            }
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> access = new ArrayList<>();
        for (String line : Files.readAllLines(accessLog)) {
            access.add(json.readTree(line));
        }
        Files.deleteIfExists(accessLog);
        Map<String, JsonNode> byDownstream = access.stream()
                .collect(Collectors.toMap(r -> r.path("downstream").asText(), Function.identity(), (x, y) -> y));
        Map<String, String> labels = backends.stream()
                .collect(Collectors.toMap(x -> SocketAddresses.format(x.address()), Backend::label));

        out.println("berth demo: two echo backends behind the berth proxy, over IPv4"
                + (v6 ? " and IPv6" : " (IPv6 loopback unavailable here)") + ", with a source policy and health checks");
        out.println();
        out.println("  proxy listening on " + String.join(" and ", listeners.stream().map(SocketAddresses::format).toList())
                + "  ->  cluster '" + CLUSTER + "' (round robin): " + String.join(", ",
                backends.stream().map(x -> x.label() + " " + SocketAddresses.format(x.address())).toList())
                + " (transport " + a.server().transport().label() + ")");
        out.println("  policy on both listeners: default deny; allow 127.0.0.0/8 and ::1/128; deny 127.0.0.2/32 (the longest prefix wins)");
        out.printf("  health check: tcp connect every %d ms; %d failures in a row take an endpoint out, %d passes bring it back%n",
                HEALTH_CHECK.interval().toMillis(), HEALTH_CHECK.unhealthyThreshold(), HEALTH_CHECK.healthyThreshold());

        out.println();
        out.println("  1. clients through the proxy; every byte must come back");
        out.printf("  %-6s %-26s %-22s %10s %10s  %s%n", "family", "client", "proxy", "sent", "echoed", "result");
        boolean allExact = true;
        for (ClientRun r : runs) {
            allExact &= r.exact();
            out.printf("  %-6s %-26s %-22s %10s %10s  %s%n", r.label(), SocketAddresses.format(r.client()),
                    SocketAddresses.format(r.server()), bytes(r.sent()), bytes(r.received()),
                    (r.exact() ? "exact; " : "MISMATCH; ") + r.what());
        }

        out.println();
        out.println("  2. a client the policy denies");
        boolean deniedOk = printRefusal(out, refusal, byDownstream, metrics);

        out.println();
        out.println("  3. backend " + failover.failed().label() + " fails; new clients fail over to the other");
        boolean failoverOk = printFailover(out, failover, byDownstream, labels, metrics);

        out.println();
        out.println("  the proxy's access log for parts 1 and 2 (one JSON record per connection, written at close):");
        List<String> failoverClients = failover.connections().stream().filter(c -> c.run().client() != null)
                .map(c -> SocketAddresses.format(c.run().client())).toList();
        List<JsonNode> shown = access.stream().filter(r -> !failoverClients.contains(r.path("downstream").asText())).toList();
        for (JsonNode r : shown) {
            out.printf("    %-8s %-26s -> %-22s in %9s  out %9s  %5d ms  first FIN: %-10s reason %s%n",
                    r.get("listener").asText(), r.get("downstream").asText(), r.get("upstream").asText(),
                    bytes(r.get("bytes_received").asLong()), bytes(r.get("bytes_sent").asLong()),
                    r.get("duration_ms").asLong(), r.get("first_fin").asText(), r.get("reason").asText());
        }
        if (!shown.isEmpty()) {
            out.println("    e.g. " + shown.getFirst());
        }

        out.println();
        out.println("  what the echo backends recorded (their peers are the proxy's upstream connections):");
        List<Map.Entry<String, ConnectionRecord>> recorded = echoRecords.stream()
                .sorted(Comparator.comparing((Map.Entry<String, ConnectionRecord> e) -> e.getKey())
                        .thenComparingLong(e -> e.getValue().id()))
                .toList();
        for (Map.Entry<String, ConnectionRecord> e : recorded) {
            ConnectionRecord r = e.getValue();
            out.printf("    %s conn %-3d peer %-26s in %9s  out %9s  %5d ms  closed by %s%n", e.getKey(), r.id(),
                    SocketAddresses.format(r.peer()), bytes(r.bytesIn()), bytes(r.bytesOut()),
                    r.duration().toMillis(), r.reason().label());
        }
        long checks = backends.stream().mapToLong(x -> x.server().stats().accepted()).sum() - recorded.size();
        out.printf("    (and %d health-check connections from the proxy, which carry no bytes)%n", checks);

        out.println();
        out.printf("  totals: %d connections through the proxy (%d denied), %s in, %s out at the echo backends; drained gracefully%n",
                access.size(), access.stream().filter(r -> r.path("reason").asText().equals("PD")).count(),
                bytes(backends.stream().mapToLong(x -> x.server().stats().bytesIn()).sum()),
                bytes(backends.stream().mapToLong(x -> x.server().stats().bytesOut()).sum()));
        out.println(allExact ? "  every byte came back, in order." : "  SOME BYTES DID NOT COME BACK.");
        out.println(deniedOk ? "  the denied client never reached a backend." : "  THE POLICY DID NOT DENY THE CLIENT AS IT SHOULD.");
        out.println(failoverOk ? "  no new connection failed while backend " + failover.failed().label() + " was down."
                : "  FAILOVER DID NOT WORK AS IT SHOULD.");
        out.flush();
        return allExact && deniedOk && failoverOk ? 0 : 1;
    }

    private static Backend startBackend(String label, InetAddress ip, ConcurrentLinkedQueue<Map.Entry<String, ConnectionRecord>> records,
                                        Semaphore dataClosed) throws BindFailedException {
        ConnectionObserver recorder = new ConnectionObserver() {
            @Override
            public void closed(ConnectionRecord record) {
                if (record.bytesIn() > 0) {
                    records.add(Map.entry(label, record));
                    dataClosed.release();
                }
            }
        };
        EchoServer server = EchoServer.start(new EchoOptions(List.of(new InetSocketAddress(ip, 0)), 100, Duration.ZERO,
                Duration.ofSeconds(2), 1), recorder);
        return new Backend(label, server, server.boundAddresses().getFirst());
    }

    /**
     * With {@code failed} stopped at {@code stopped} (nanos), opens a new client connection every
     * {@link #FAILOVER_PACE}, alternating listeners, until the health check has taken the
     * backend out and a few more connections went through, or the bound is reached.
     */
    private static Failover failover(ProxyServer proxy, Backend failed, long stopped, List<InetSocketAddress> listeners)
            throws Exception {
        UpstreamEndpoint endpoint = proxy.clusters().cluster(CLUSTER).endpoints().stream()
                .filter(e -> e.address().equals(failed.address())).findFirst().orElseThrow();
        List<FailoverConnection> connections = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> done = new CompletableFuture<>();
        long[] outAt = {-1};
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("demo-traffic").unstarted(r));
        traffic.scheduleAtFixedRate(() -> {
            try {
                long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
                if (outAt[0] < 0 && !endpoint.healthy()) {
                    outAt[0] = now;
                }
                InetSocketAddress via = listeners.get(connections.size() % listeners.size());
                ClientRun run = DemoClients.line(family(via), via, "still there? #" + (connections.size() + 1));
                connections.add(new FailoverConnection(now, outAt[0] >= 0, run));
                long after = connections.stream().filter(FailoverConnection::afterOut).count();
                if (after >= FAILOVER_CONNECTIONS_AFTER_OUT || connections.size() >= FAILOVER_MAX_CONNECTIONS) {
                    done.complete(outAt[0]);
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, 0, FAILOVER_PACE.toMillis(), TimeUnit.MILLISECONDS);
        long outAtMillis;
        try {
            outAtMillis = done.get(FAILOVER_PACE.toMillis() * FAILOVER_MAX_CONNECTIONS + 5000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            outAtMillis = -1;
        } finally {
            traffic.shutdownNow();
            traffic.awaitTermination(5, TimeUnit.SECONDS);
        }
        return new Failover(failed, outAtMillis, endpoint.lastCheckError(), List.copyOf(connections));
    }

    private static boolean printRefusal(PrintWriter out, Refusal refusal, Map<String, JsonNode> byDownstream, String metrics) {
        if (refusal.client() == null) {
            out.println("    skipped: " + refusal.seen());
            return true;
        }
        out.printf("    %s -> %s: %s%n", SocketAddresses.format(refusal.client()), SocketAddresses.format(refusal.server()),
                refusal.seen());
        JsonNode r = byDownstream.get(SocketAddresses.format(refusal.client()));
        boolean pd = r != null && r.path("reason").asText().equals("PD") && r.path("upstream").isNull();
        if (r != null) {
            out.printf("    access log: reason %s, \"%s\", upstream %s (no upstream connection was opened)%n",
                    r.path("reason").asText(), r.path("detail").asText(), r.path("upstream").isNull() ? "null" : r.path("upstream").asText());
        }
        out.println("    " + metric(metrics, "downstream_cx_denied_total{listener=\"demo-v4\"}") + "   (and a warning on standard error)");
        return refusal.refused() && pd;
    }

    private static boolean printFailover(PrintWriter out, Failover f, Map<String, JsonNode> byDownstream, Map<String, String> labels,
                                         String metrics) {
        String failedLabel = f.failed().label() + " " + SocketAddresses.format(f.failed().address());
        out.printf("    %8s  backend %s stopped: its port now refuses connections%n", "+0 ms", failedLabel);
        boolean outPrinted = false;
        boolean allOk = true;
        for (FailoverConnection c : f.connections()) {
            if (c.afterOut() && !outPrinted) {
                printOut(out, f);
                outPrinted = true;
            }
            ClientRun run = c.run();
            allOk &= run.exact();
            JsonNode r = run.client() == null ? null : byDownstream.get(SocketAddresses.format(run.client()));
            String how;
            if (!run.exact() || r == null) {
                how = run.exact() ? "exact" : "FAILED: " + run.what();
            } else {
                int attempts = r.path("connect_attempts").asInt();
                how = "exact, via " + labels.getOrDefault(r.path("upstream").asText(), r.path("upstream").asText())
                        + (attempts > 1 ? " (" + f.failed().label() + " refused; the proxy tried the next endpoint)" : ", first try");
            }
            out.printf("    %8s  %-4s %-20s -> %-18s %s%n", "+" + c.atMillis() + " ms", run.label(),
                    run.client() == null ? "-" : SocketAddresses.format(run.client()), SocketAddresses.format(run.server()), how);
        }
        if (!outPrinted) {
            printOut(out, f);
        }
        out.println("    " + metric(metrics, "cluster_endpoint_healthy{cluster=\"" + CLUSTER + "\",endpoint=\""
                + SocketAddresses.format(f.failed().address()) + "\"}"));
        out.printf("    %d new connections while %s was down, %d failed%n", f.connections().size(), f.failed().label(),
                f.connections().stream().filter(c -> !c.run().exact()).count());
        return allOk && f.outAtMillis() >= 0;
    }

    private static void printOut(PrintWriter out, Failover f) {
        if (f.outAtMillis() < 0) {
            out.printf("    %8s  the health check did not take %s out within %d ms%n", "", f.failed().label(),
                    FAILOVER_PACE.toMillis() * FAILOVER_MAX_CONNECTIONS);
            return;
        }
        out.printf("    %8s  health check: %s healthy -> unhealthy after %d failed checks (%s); the balancer no longer picks it%n",
                "+" + f.outAtMillis() + " ms", f.failed().label(), HEALTH_CHECK.unhealthyThreshold(), f.checkError());
    }

    /** The Prometheus line for {@code series} from {@code scrape}, or a note that it is missing. */
    private static String metric(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst().orElse(series + " (not found)");
    }

    private static String family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? "IPv6" : "IPv4";
    }

    private static boolean canBindIpv6Loopback() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        return String.format("%.1f MiB", n / (1024.0 * 1024));
    }
}
