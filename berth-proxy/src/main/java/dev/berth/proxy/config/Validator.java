package dev.berth.proxy.config;

import dev.berth.ip.InvalidAddressException;
import dev.berth.ip.Prefix;
import dev.berth.server.config.Durations;
import dev.berth.server.config.InvalidValueException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw records to runtime records (caddy-l4's {@code Provision}): checks every value, fills in
 * every default, and records each problem with its path instead of stopping at the first. Reads
 * on past a bad value with a stand-in, so later checks still run; the result is only used when
 * nothing was recorded.
 */
final class Validator {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_.-]+");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})(KiB|MiB)?");
    // Beyond a year a timeout is a typo; the cap also keeps Duration.toNanos() far from overflow.
    private static final Duration MAX_DURATION = Duration.ofHours(8760);
    private static final int MIN_BUFFER = 4096;
    private static final int MAX_BUFFER = 16 * 1024 * 1024;
    private static final Duration MIN_CHECK_INTERVAL = Duration.ofMillis(10);
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");
    private static final Pattern HTTP_PATH = Pattern.compile("/[\\x21-\\x7e]*");
    private static final Pattern STATUS_RANGE = Pattern.compile("(\\d{3})(?:-(\\d{3}))?");
    private static final int MAX_PAYLOAD = 4096;

    private final Problems problems;
    private final LocationIndex index;

    Validator(Problems problems, LocationIndex index) {
        this.problems = problems;
        this.index = index;
    }

    /** The runtime configuration, or {@code null} when the reading pass could not even produce a document. */
    ProxyConfig validate(Raw.Config raw) {
        if (raw == null) {
            return null; // a root that is not a mapping; already reported
        }
        checkFields(FieldPath.ROOT, Raw.Config.class);
        Raw.Admin rawAdmin = raw.admin();
        if (rawAdmin != null) {
            checkFields("admin", Raw.Admin.class);
        }
        String adminText = rawAdmin == null || rawAdmin.address() == null ? Defaults.ADMIN_ADDRESS : rawAdmin.address();
        InetSocketAddress adminAddress = bindAddress("admin.address", adminText);
        AdminConfig admin = new AdminConfig(adminAddress);

        List<ListenerConfig> listeners = listeners(raw.listeners(), raw.clusters(), adminAddress);
        List<ClusterConfig> clusters = clusters(raw.clusters());
        ShutdownConfig shutdown = shutdown(raw.shutdown());
        return new ProxyConfig(admin, listeners, clusters, shutdown);
    }

    // ---- listeners

    private List<ListenerConfig> listeners(List<Raw.Listener> raw, List<Raw.Cluster> rawClusters, InetSocketAddress admin) {
        if (raw == null) {
            required(FieldPath.ROOT, "listeners");
            return List.of();
        }
        if (raw.isEmpty()) {
            problems.add("listeners", "an empty list (expected: at least one listener)");
        }
        Set<String> clusterNames = new LinkedHashSet<>();
        if (rawClusters != null) {
            for (Raw.Cluster c : rawClusters) {
                if (c != null && c.name() != null) {
                    clusterNames.add(c.name());
                }
            }
        }
        List<ListenerConfig> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        List<Bound> bound = new ArrayList<>();
        if (admin != null) {
            bound.add(new Bound("the admin server", admin));
        }
        for (int i = 0; i < raw.size(); i++) {
            String p = FieldPath.index("listeners", i);
            Raw.Listener l = raw.get(i);
            if (l == null) {
                problems.add(p, "expected " + Raw.describe(Raw.Listener.class) + ", got nothing");
                continue;
            }
            checkFields(p, Raw.Listener.class);
            String name = name(p, l.name(), names);
            InetSocketAddress address = null;
            if (l.address() == null) {
                required(p, "address");
            } else {
                address = bindAddress(FieldPath.field(p, "address"), l.address());
                if (address != null) {
                    checkOverlap(FieldPath.field(p, "address"), address, bound);
                    bound.add(new Bound(name == null ? "listeners[" + i + "]" : "listener '" + name + "'", address));
                }
            }
            if (l.cluster() == null) {
                required(p, "cluster");
            } else if (rawClusters != null && !rawClusters.isEmpty() && !clusterNames.contains(l.cluster())) {
                problems.add(FieldPath.field(p, "cluster"), "no cluster named '" + l.cluster() + "' (clusters: "
                        + (clusterNames.isEmpty() ? "none with a name" : String.join(", ", clusterNames)) + ")");
            }
            ListenerConfig.ProxyProtocol proxyProtocol = choice(FieldPath.field(p, "proxy_protocol"), l.proxyProtocol(),
                    ListenerConfig.ProxyProtocol.NONE, ListenerConfig.ProxyProtocol.values());
            out.add(new ListenerConfig(
                    name,
                    address,
                    l.cluster(),
                    integer(FieldPath.field(p, "backlog"), l.backlog(), Defaults.BACKLOG, 1, 65535),
                    duration(FieldPath.field(p, "idle_timeout"), l.idleTimeout(), Defaults.IDLE_TIMEOUT, Duration.ZERO),
                    duration(FieldPath.field(p, "max_connection_duration"), l.maxConnectionDuration(),
                            Defaults.MAX_CONNECTION_DURATION, Duration.ZERO),
                    bufferBytes(FieldPath.field(p, "buffer_bytes"), l.bufferBytes()),
                    bool(FieldPath.field(p, "tcp_no_delay"), l.tcpNoDelay(), Defaults.TCP_NO_DELAY),
                    accessLog(FieldPath.field(p, "access_log"), l.accessLog()),
                    proxyProtocol,
                    trustedSources(p, l.trustedSources(), proxyProtocol),
                    duration(FieldPath.field(p, "proxy_protocol_timeout"), l.proxyProtocolTimeout(),
                            Defaults.PROXY_PROTOCOL_TIMEOUT, Duration.ofMillis(1)),
                    policy(FieldPath.field(p, "policy"), l.policy()),
                    choice(FieldPath.field(p, "zero_copy"), l.zeroCopy(), ListenerConfig.ZeroCopy.AUTO,
                            ListenerConfig.ZeroCopy.values())));
        }
        return out;
    }

    /** Something already bound, and who binds it, for the overlap check. */
    private record Bound(String owner, InetSocketAddress address) {}

    /**
     * Two listeners cannot share a port on the same address, nor on a wildcard and an address
     * the wildcard covers ({@code [::]} is dual-stack, so it covers IPv4 too): the second bind
     * would fail at start-up with "address already in use".
     */
    private void checkOverlap(String path, InetSocketAddress address, List<Bound> bound) {
        for (Bound b : bound) {
            InetSocketAddress other = b.address();
            if (other.getPort() != address.getPort()) {
                continue;
            }
            InetAddress mine = address.getAddress();
            InetAddress theirs = other.getAddress();
            if (mine.equals(theirs)) {
                problems.add(path, Addresses.format(address) + " is already used by " + b.owner());
                return;
            }
            if (covers(theirs, mine) || covers(mine, theirs)) {
                boolean dualStack = mine.isAnyLocalAddress() && mine instanceof Inet6Address && theirs instanceof Inet4Address
                        || theirs.isAnyLocalAddress() && theirs instanceof Inet6Address && mine instanceof Inet4Address;
                problems.add(path, Addresses.format(address) + " overlaps " + Addresses.format(other) + " of " + b.owner()
                        + (dualStack ? " ([::] takes the port for IPv4 too)" : " (a wildcard address takes the port on every interface)"));
                return;
            }
        }
    }

    private static boolean covers(InetAddress wildcard, InetAddress other) {
        return wildcard.isAnyLocalAddress() && (wildcard instanceof Inet6Address || other instanceof Inet4Address);
    }

    private AccessLogConfig accessLog(String path, String text) {
        if (text == null || text.equals("stdout")) {
            return AccessLogConfig.STDOUT;
        }
        if (text.equals("off")) {
            return new AccessLogConfig(AccessLogConfig.Target.OFF, null);
        }
        if (text.isBlank()) {
            problems.add(path, "empty (expected: stdout, off, or a file path)");
            return AccessLogConfig.STDOUT;
        }
        if (text.equalsIgnoreCase("stdout") || text.equalsIgnoreCase("off")) {
            // Almost certainly not meant as a file name; say how to get one if it was.
            problems.add(path, "'" + text + "' (expected: stdout, off, or a file path; for a file of that name write ./" + text + ")");
            return AccessLogConfig.STDOUT;
        }
        if (text.endsWith("/")) {
            problems.add(path, "'" + text + "' is a directory (expected: a file path such as /var/log/berth/access.log)");
            return AccessLogConfig.STDOUT;
        }
        try {
            return new AccessLogConfig(AccessLogConfig.Target.FILE, Path.of(text));
        } catch (InvalidPathException e) {
            problems.add(path, "'" + text + "' is not a file path (" + e.getReason() + ")");
            return AccessLogConfig.STDOUT;
        }
    }

    /**
     * Who may send a PROXY header: required with {@code accept} (a header believed from anyone
     * lets anyone choose the client address the policy judges), and refused without it, where
     * it would do nothing.
     */
    private List<Prefix> trustedSources(String listener, List<String> raw, ListenerConfig.ProxyProtocol mode) {
        String path = FieldPath.field(listener, "trusted_sources");
        boolean accept = mode == ListenerConfig.ProxyProtocol.ACCEPT;
        if (raw == null || raw.isEmpty()) {
            if (accept) {
                if (raw == null && !index.has(path)) {
                    problems.addAlso(FieldPath.field(listener, "proxy_protocol"), Problems.At.VALUE,
                            "accept needs trusted_sources: the prefixes of the load balancers whose headers are believed"
                                    + " (such as [10.0.0.0/8])");
                } else {
                    problems.add(path, "empty (expected: at least one prefix when proxy_protocol is accept)");
                }
            }
            return List.of();
        }
        if (!accept) {
            problems.add(path, "only used with proxy_protocol: accept (set it, or remove trusted_sources)");
        }
        return prefixes(path, raw);
    }

    private PolicyConfig policy(String path, Raw.Policy raw) {
        if (raw == null) {
            return PolicyConfig.ALLOW_ALL;
        }
        checkFields(path, Raw.Policy.class);
        PolicyConfig.Action action = choice(FieldPath.field(path, "default"), raw.defaultAction(),
                PolicyConfig.Action.ALLOW, PolicyConfig.Action.values());
        List<Prefix> allow = raw.allow() == null ? List.of() : prefixes(FieldPath.field(path, "allow"), raw.allow());
        List<Prefix> deny = raw.deny() == null ? List.of() : prefixes(FieldPath.field(path, "deny"), raw.deny());
        boolean shadow = bool(FieldPath.field(path, "shadow"), raw.shadow(), false);
        return new PolicyConfig(action, allow, deny, shadow);
    }

    /** CIDR prefixes, each checked; the same prefix twice in one list (in any spelling) is an error. */
    private List<Prefix> prefixes(String path, List<String> raw) {
        List<Prefix> out = new ArrayList<>();
        Map<Prefix, Integer> seen = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String at = FieldPath.index(path, i);
            String text = raw.get(i);
            if (text == null) {
                problems.add(at, "expected a prefix such as 10.0.0.0/8 or 2001:db8::/32, got nothing");
                continue;
            }
            Prefix prefix;
            try {
                prefix = Prefix.parse(text);
            } catch (InvalidAddressException e) {
                problems.add(at, e.getMessage());
                continue;
            }
            Integer first = seen.putIfAbsent(prefix.unmapped(), i);
            if (first != null) {
                String name = path.substring(path.lastIndexOf('.') + 1);
                problems.add(at, text + " is listed twice (first as " + name + "[" + first + "])");
                continue;
            }
            out.add(prefix);
        }
        return out;
    }

    private int bufferBytes(String path, String text) {
        if (text == null) {
            return Defaults.BUFFER_BYTES;
        }
        Matcher m = SIZE.matcher(text);
        if (m.matches()) {
            long bytes = Long.parseLong(m.group(1)) * switch (m.group(2) == null ? "" : m.group(2)) {
                case "KiB" -> 1024L;
                case "MiB" -> 1024L * 1024;
                default -> 1L;
            };
            if (bytes >= MIN_BUFFER && bytes <= MAX_BUFFER) {
                return (int) bytes;
            }
        }
        String shown = m.matches() ? text : "'" + text + "'";
        problems.add(path, shown + " (expected: " + MIN_BUFFER + "-" + MAX_BUFFER + " bytes, or with a unit: 4KiB-16MiB)");
        return Defaults.BUFFER_BYTES;
    }

    // ---- clusters

    private List<ClusterConfig> clusters(List<Raw.Cluster> raw) {
        if (raw == null) {
            required(FieldPath.ROOT, "clusters");
            return List.of();
        }
        if (raw.isEmpty()) {
            problems.add("clusters", "an empty list (expected: at least one cluster)");
        }
        List<ClusterConfig> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String p = FieldPath.index("clusters", i);
            Raw.Cluster c = raw.get(i);
            if (c == null) {
                problems.add(p, "expected " + Raw.describe(Raw.Cluster.class) + ", got nothing");
                continue;
            }
            checkFields(p, Raw.Cluster.class);
            String name = name(p, c.name(), names);
            ClusterConfig.Discovery discovery =
                    choice(FieldPath.field(p, "discovery"), c.discovery(), ClusterConfig.Discovery.STATIC, ClusterConfig.Discovery.values());
            List<EndpointConfig> endpoints = endpoints(p, c.endpoints(), discovery);
            ClusterConfig.LbPolicy lb =
                    choice(FieldPath.field(p, "lb"), c.lb(), ClusterConfig.LbPolicy.ROUND_ROBIN, ClusterConfig.LbPolicy.values());
            Duration connectTimeout = duration(FieldPath.field(p, "connect_timeout"), c.connectTimeout(),
                    Defaults.CONNECT_TIMEOUT, Duration.ofMillis(1));
            int maxConnections = integer(FieldPath.field(p, "max_connections"), c.maxConnections(), Defaults.MAX_CONNECTIONS, 1, 1_000_000);
            int connectAttempts = integer(FieldPath.field(p, "connect_attempts"), c.connectAttempts(), Defaults.CONNECT_ATTEMPTS, 1, 10);
            Duration dnsRefresh = duration(FieldPath.field(p, "dns_refresh"), c.dnsRefresh(), Defaults.DNS_REFRESH, Duration.ofSeconds(1));
            int maxPending = integer(FieldPath.field(p, "max_pending"), c.maxPending(), Defaults.MAX_PENDING, 1, 1_000_000);
            int panicThreshold = integer(FieldPath.field(p, "panic_threshold"), c.panicThreshold(), Defaults.PANIC_THRESHOLD, 0, 100);
            Duration removalGrace = duration(FieldPath.field(p, "endpoint_removal_grace"), c.endpointRemovalGrace(),
                    Defaults.ENDPOINT_REMOVAL_GRACE, Duration.ZERO);
            ClusterConfig.ProxyProtocol proxyProtocol = choice(FieldPath.field(p, "proxy_protocol"), c.proxyProtocol(),
                    ClusterConfig.ProxyProtocol.NONE, ClusterConfig.ProxyProtocol.values());
            InetAddress source = sourceAddress(FieldPath.field(p, "source_address"), c.sourceAddress(), discovery, endpoints);
            HealthCheckConfig healthCheck = healthCheck(FieldPath.field(p, "health_check"), c.healthCheck());
            OutlierDetectionConfig outlier = outlierDetection(FieldPath.field(p, "outlier_detection"), c.outlierDetection());
            out.add(new ClusterConfig(name, discovery, endpoints, lb, connectTimeout, maxConnections, connectAttempts, dnsRefresh,
                    maxPending, panicThreshold, removalGrace, proxyProtocol, healthCheck, outlier, source));
        }
        return out;
    }

    /**
     * {@code source_address}: a unicast IP literal of either family, without a port (the kernel
     * picks the port per destination). It binds the connections of its own family only, so under
     * static discovery an endpoint of the other family is an error: it would silently leave from
     * another address. Under dns discovery a name may answer with both families; the other
     * family's connections are left unbound (documented).
     */
    private InetAddress sourceAddress(String path, String text, ClusterConfig.Discovery discovery, List<EndpointConfig> endpoints) {
        if (text == null) {
            return null;
        }
        InetAddress ip = Addresses.literalOrNull(text);
        if (ip == null) {
            InetAddress withPort = null;
            try {
                withPort = Addresses.literalOrNull(Addresses.split(text).host());
            } catch (InvalidValueException notHostPort) {
                // not host:port either
            }
            problems.add(path, withPort != null
                    ? "'" + text + "' has a port (expected: an IP address alone, such as " + Addresses.format(withPort)
                            + "; the port is chosen for each destination when connecting)"
                    : "'" + text + "' is not an IP address (expected: one of this host's addresses, such as 10.0.0.5 or"
                            + " 2001:db8::5; names are not resolved)");
            return null;
        }
        String shown = Addresses.format(ip);
        if (ip.isAnyLocalAddress()) {
            problems.add(path, shown + " is the wildcard address (expected: one of this host's addresses; leave"
                    + " source_address out to let the kernel choose)");
            return null;
        }
        if (ip.isMulticastAddress() || shown.equals("255.255.255.255")) {
            problems.add(path, shown + " is a " + (ip.isMulticastAddress() ? "multicast" : "broadcast")
                    + " address (expected: one of this host's unicast addresses)");
            return null;
        }
        if (discovery == ClusterConfig.Discovery.STATIC) {
            List<String> otherFamily = endpoints.stream()
                    .filter(e -> Addresses.literalOrNull(e.host()) instanceof Inet4Address != ip instanceof Inet4Address)
                    .map(EndpointConfig::authority).toList();
            if (!otherFamily.isEmpty()) {
                String family = ip instanceof Inet4Address ? "IPv4" : "IPv6";
                problems.add(path, shown + " is " + family + " but endpoint" + (otherFamily.size() == 1 ? " " : "s ")
                        + String.join(", ", otherFamily) + (otherFamily.size() == 1 ? " is not" : " are not")
                        + " (expected: endpoints of the source address's family; put the others in a cluster of their own)");
                return null;
            }
        }
        return ip;
    }

    // ---- health

    private HealthCheckConfig healthCheck(String p, Raw.HealthCheck h) {
        if (h == null) {
            return null; // absent, or written without a value: no active checks
        }
        checkFields(p, Raw.HealthCheck.class);
        HealthCheckConfig.Type type = choice(FieldPath.field(p, "type"), h.type(), HealthCheckConfig.Type.TCP,
                HealthCheckConfig.Type.values());
        Duration interval = duration(FieldPath.field(p, "interval"), h.interval(), Defaults.HC_INTERVAL, MIN_CHECK_INTERVAL);
        Duration timeout = duration(FieldPath.field(p, "timeout"), h.timeout(), Defaults.HC_TIMEOUT, Duration.ofMillis(1));
        int unhealthy = integer(FieldPath.field(p, "unhealthy_threshold"), h.unhealthyThreshold(),
                Defaults.HC_UNHEALTHY_THRESHOLD, 1, 1000);
        int healthy = integer(FieldPath.field(p, "healthy_threshold"), h.healthyThreshold(), Defaults.HC_HEALTHY_THRESHOLD, 1, 1000);
        Duration jitter = duration(FieldPath.field(p, "jitter"), h.jitter(), Defaults.HC_JITTER, Duration.ZERO);
        boolean newHealthy = bool(FieldPath.field(p, "new_endpoints_healthy"), h.newEndpointsHealthy(),
                Defaults.HC_NEW_ENDPOINTS_HEALTHY);
        HealthCheckConfig.Payload send = payload(p, "send", h.send(), h.sendHex());
        HealthCheckConfig.Payload expect = payload(p, "expect", h.expect(), h.expectHex());
        String path = null;
        List<HealthCheckConfig.StatusRange> statuses = List.of();
        if (type == HealthCheckConfig.Type.HTTP) {
            for (String tcpOnly : List.of("send", "send_hex", "expect", "expect_hex")) {
                if (index.has(FieldPath.field(p, tcpOnly))) {
                    problems.add(FieldPath.field(p, tcpOnly), "applies to type: tcp only (an http check sends GET path"
                            + " and looks at the status)");
                }
            }
            path = httpPath(FieldPath.field(p, "path"), h.path());
            statuses = statuses(FieldPath.field(p, "expected_statuses"), h.expectedStatuses());
        } else {
            for (String httpOnly : List.of("path", "expected_statuses")) {
                if (index.has(FieldPath.field(p, httpOnly))) {
                    problems.add(FieldPath.field(p, httpOnly), "applies to type: http only");
                }
            }
        }
        return new HealthCheckConfig(type, interval, timeout, unhealthy, healthy, jitter, newHealthy,
                type == HealthCheckConfig.Type.TCP ? send : null, type == HealthCheckConfig.Type.TCP ? expect : null,
                path, statuses);
    }

    /** {@code send} (UTF-8 text) or {@code send_hex} (hex digits), at most one of them. */
    private HealthCheckConfig.Payload payload(String parent, String field, String text, String hex) {
        String hexField = field + "_hex";
        if (text != null && hex != null) {
            problems.add(FieldPath.field(parent, hexField), "set " + field + " or " + hexField + ", not both");
            return null;
        }
        HealthCheckConfig.Payload payload;
        String path;
        if (text != null) {
            payload = HealthCheckConfig.Payload.text(text);
            path = FieldPath.field(parent, field);
        } else if (hex != null) {
            path = FieldPath.field(parent, hexField);
            if (!HEX.matcher(hex).matches()) {
                problems.add(path, "'" + hex + "' is not hex (expected: pairs of hex digits, such as 50494e470d0a)");
                return null;
            }
            payload = HealthCheckConfig.Payload.hex(hex);
        } else {
            return null;
        }
        if (payload.length() > MAX_PAYLOAD) {
            problems.add(path, payload.length() + " bytes (expected: at most " + MAX_PAYLOAD + ")");
            return null;
        }
        return payload;
    }

    private String httpPath(String path, String text) {
        if (text == null) {
            return Defaults.HC_HTTP_PATH;
        }
        if (!HTTP_PATH.matcher(text).matches()) {
            problems.add(path, "'" + text + "' (expected: a path starting with /, without spaces, such as /healthz)");
            return Defaults.HC_HTTP_PATH;
        }
        return text;
    }

    private List<HealthCheckConfig.StatusRange> statuses(String path, List<String> raw) {
        if (raw == null) {
            return List.of(Defaults.HC_HTTP_STATUSES);
        }
        if (raw.isEmpty()) {
            problems.add(path, "an empty list (expected: at least one status or range, such as 200-399)");
            return List.of(Defaults.HC_HTTP_STATUSES);
        }
        List<HealthCheckConfig.StatusRange> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String text = raw.get(i);
            String p = FieldPath.index(path, i);
            if (text == null) {
                problems.add(p, "expected a status such as 200 or a range such as 200-399, got nothing");
                continue;
            }
            Matcher m = STATUS_RANGE.matcher(text);
            int from = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            int to = m.matches() ? (m.group(2) == null ? from : Integer.parseInt(m.group(2))) : -1;
            if (from < 100 || to > 599 || from > to) {
                problems.add(p, "'" + text + "' (expected: an HTTP status 100-599, or a range such as 200-399)");
                continue;
            }
            out.add(new HealthCheckConfig.StatusRange(from, to));
        }
        return out.isEmpty() ? List.of(Defaults.HC_HTTP_STATUSES) : out;
    }

    private OutlierDetectionConfig outlierDetection(String p, Raw.OutlierDetection o) {
        if (o == null) {
            return null; // absent, or written without a value: no ejection
        }
        checkFields(p, Raw.OutlierDetection.class);
        return new OutlierDetectionConfig(
                integer(FieldPath.field(p, "consecutive_failures"), o.consecutiveFailures(),
                        Defaults.OUTLIER_CONSECUTIVE_FAILURES, 1, 1000),
                duration(FieldPath.field(p, "base_ejection_time"), o.baseEjectionTime(),
                        Defaults.OUTLIER_BASE_EJECTION_TIME, Duration.ofMillis(1)),
                duration(FieldPath.field(p, "max_ejection_time"), o.maxEjectionTime(),
                        Defaults.OUTLIER_MAX_EJECTION_TIME, Duration.ofMillis(1)),
                integer(FieldPath.field(p, "max_ejection_percent"), o.maxEjectionPercent(),
                        Defaults.OUTLIER_MAX_EJECTION_PERCENT, 1, 100));
    }

    private List<EndpointConfig> endpoints(String cluster, List<Raw.Endpoint> raw, ClusterConfig.Discovery discovery) {
        String p = FieldPath.field(cluster, "endpoints");
        if (raw == null) {
            required(cluster, "endpoints");
            return List.of();
        }
        if (raw.isEmpty()) {
            problems.add(p, "an empty list (expected: at least one endpoint)");
        }
        List<EndpointConfig> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int j = 0; j < raw.size(); j++) {
            String ep = FieldPath.index(p, j);
            Raw.Endpoint e = raw.get(j);
            if (e == null) {
                problems.add(ep, "expected an address such as 10.0.0.1:8080, got nothing");
                continue;
            }
            checkFields(ep, Raw.Endpoint.class);
            int weight = integer(FieldPath.field(ep, "weight"), e.weight(), Defaults.WEIGHT, 1, 1000);
            if (e.address() == null) {
                required(ep, "address");
                continue;
            }
            // Written as a plain string, the endpoint itself is the address.
            String addressPath = index.has(FieldPath.field(ep, "address")) ? FieldPath.field(ep, "address") : ep;
            EndpointConfig endpoint = endpoint(addressPath, e.address(), weight, discovery);
            if (endpoint == null) {
                continue;
            }
            String first = seen.putIfAbsent(endpoint.authority(), "endpoints[" + j + "]");
            if (first != null) {
                problems.add(addressPath, endpoint.authority() + " is listed twice (first as " + first
                        + "; use weight for a bigger share)");
            }
            out.add(endpoint);
        }
        return out;
    }

    private EndpointConfig endpoint(String path, String text, int weight, ClusterConfig.Discovery discovery) {
        Addresses.HostPort hp;
        int port;
        try {
            hp = Addresses.split(text);
            port = Addresses.port(hp.port());
        } catch (InvalidValueException e) {
            problems.add(path, e.getMessage());
            return null;
        }
        InetAddress ip = Addresses.literalOrNull(hp.host());
        if (ip != null) {
            return new EndpointConfig(Addresses.format(ip), port, weight);
        }
        if (!Addresses.isHostName(hp.host()) || text.startsWith("[")) {
            problems.add(path, "'" + hp.host() + "' is neither an IP address nor a host name");
            return null;
        }
        if (discovery == ClusterConfig.Discovery.STATIC) {
            problems.add(path, "'" + hp.host() + "' is a host name; static discovery needs IP addresses"
                    + " (set discovery: dns to resolve names)");
            return null;
        }
        return new EndpointConfig(hp.host(), port, weight);
    }

    // ---- shutdown

    private ShutdownConfig shutdown(Raw.Shutdown raw) {
        if (raw != null) {
            checkFields("shutdown", Raw.Shutdown.class);
        }
        Raw.Shutdown s = raw == null ? new Raw.Shutdown(null, null) : raw;
        return new ShutdownConfig(
                duration("shutdown.accept_grace", s.acceptGrace(), Defaults.ACCEPT_GRACE, Duration.ZERO),
                duration("shutdown.drain_timeout", s.drainTimeout(), Defaults.DRAIN_TIMEOUT, Duration.ZERO));
    }

    // ---- values

    /**
     * Unknown keys of the mapping at {@code path}, at the key, with the accepted ones and the
     * closest match. The file is strict because a misspelt optional field would otherwise be
     * silently replaced by its default.
     */
    private void checkFields(String path, Class<?> rawType) {
        List<String> known = Raw.fieldNames(rawType);
        Map<String, String> planned = Raw.PLANNED.getOrDefault(rawType, Map.of());
        for (String key : index.fieldsOf(path)) {
            if (known.contains(key)) {
                continue;
            }
            String keyPath = FieldPath.field(path, key);
            if (planned.containsKey(key)) {
                problems.addAlso(keyPath, Problems.At.KEY, "not supported yet (planned: " + planned.get(key) + ")");
                continue;
            }
            String suggestion = Suggestions.closest(key, known);
            problems.addAlso(keyPath, Problems.At.KEY, "unknown field '" + key + "'"
                    + (suggestion == null ? "" : ", did you mean '" + suggestion + "'?")
                    + " (expected one of: " + String.join(", ", known) + ")");
        }
    }

    /** Reports a missing field: at its key when written without a value, else at the object that lacks it. */
    private void required(String parent, String field) {
        String path = FieldPath.field(parent, field);
        if (index.has(path)) {
            problems.add(path, "a value is required");
        } else {
            problems.addAlso(parent, Problems.At.VALUE, "missing required field '" + field + "'");
        }
    }

    private String name(String parent, String text, Map<String, String> taken) {
        if (text == null) {
            required(parent, "name");
            return null;
        }
        String path = FieldPath.field(parent, "name");
        if (!NAME.matcher(text).matches()) {
            problems.add(path, "'" + text + "' is not a valid name (expected: lower-case letters, digits, '_', '.', '-')");
            return text;
        }
        String first = taken.putIfAbsent(text, parent);
        if (first != null) {
            problems.add(path, "'" + text + "' is already the name of " + first);
        }
        return text;
    }

    private InetSocketAddress bindAddress(String path, String text) {
        try {
            return Addresses.bind(text);
        } catch (InvalidValueException e) {
            problems.add(path, e.getMessage());
            return null;
        }
    }

    private int integer(String path, String text, int fallback, int min, int max) {
        if (text == null) {
            return fallback;
        }
        String range = "(expected: " + min + "-" + max + ")";
        if (!INTEGER.matcher(text).matches()) {
            problems.add(path, "'" + text + "' is not a whole number " + range);
            return fallback;
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            problems.add(path, text + " " + range);
            return fallback;
        }
        return (int) value;
    }

    private Duration duration(String path, String text, Duration fallback, Duration min) {
        if (text == null) {
            return fallback;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (InvalidValueException e) {
            problems.add(path, e.getMessage());
            return fallback;
        }
        if (d.compareTo(min) < 0) {
            String expected = min.equals(Duration.ofMillis(1)) ? "> 0" : "at least " + Durations.format(min);
            problems.add(path, text + " (expected: " + expected + ")");
            return fallback;
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            problems.add(path, text + " (expected: at most " + Durations.format(MAX_DURATION) + ")");
            return fallback;
        }
        return d;
    }

    private boolean bool(String path, String text, boolean fallback) {
        if (text == null) {
            return fallback;
        }
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add(path, "'" + text + "' (expected: true or false)");
                yield fallback;
            }
        };
    }

    /** An enum written in lower case ({@code round_robin}); case matters, as everywhere in the file. */
    private <E extends Enum<E>> E choice(String path, String text, E fallback, E[] values) {
        if (text == null) {
            return fallback;
        }
        for (E v : values) {
            if (spelling(v).equals(text)) {
                return v;
            }
        }
        List<String> spellings = Arrays.stream(values).map(Validator::spelling).toList();
        String suggestion = Suggestions.closest(text, spellings);
        problems.add(path, "'" + text + "' is not one of " + String.join(", ", spellings)
                + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)"));
        return fallback;
    }

    static String spelling(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
