package dev.berth.proxy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.ip.Prefix;
import dev.berth.server.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration, every default filled in, in the file's own schema: what
 * {@code berth proxy --check} prints and the admin {@code /config_dump} serves. Keys come in
 * the order the reference documents them, so two dumps of the same configuration are
 * byte-identical, and {@link ConfigLoader#parse} reads a dump back to an equal {@link ProxyConfig}.
 */
public final class ConfigDump {

    private static final ObjectWriter YAML_WRITER = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .build()
            .writer();

    private static final ObjectWriter JSON_WRITER = JsonMapper.builder()
            .build()
            .writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private ConfigDump() {}

    /** The effective configuration as YAML, loadable as a configuration file. */
    public static String toYaml(ProxyConfig config) {
        return write(YAML_WRITER, config);
    }

    /** The same as JSON (durations and addresses stay strings, as in the file). */
    public static String toJson(ProxyConfig config) {
        return write(JSON_WRITER, config) + "\n";
    }

    /**
     * What {@code /config_dump} answers: the running configuration under {@code config} (save
     * that part and it loads as a file), with its version and where it came from.
     *
     * @param version 1 at start, one more for each reload that changed something
     * @param loadedAt when this version took effect
     */
    public static String toVersionedJson(LoadedConfig loaded, long version, Instant loadedAt) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", version);
        root.put("loaded_at", loadedAt.toString());
        root.put("source", loaded.source());
        root.put("sha256", loaded.sha256());
        root.put("config", toTree(loaded.config()));
        try {
            return JSON_WRITER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialize", e);
        }
    }

    /** The effective configuration as plain maps, lists, strings, numbers and booleans, keys in schema order. */
    public static Map<String, Object> toTree(ProxyConfig config) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("admin", Map.of("address", Addresses.format(config.admin().address())));
        root.put("listeners", config.listeners().stream().map(ConfigDump::listener).toList());
        root.put("clusters", config.clusters().stream().map(ConfigDump::cluster).toList());
        Map<String, Object> shutdown = new LinkedHashMap<>();
        shutdown.put("accept_grace", duration(config.shutdown().acceptGrace()));
        shutdown.put("drain_timeout", duration(config.shutdown().drainTimeout()));
        root.put("shutdown", shutdown);
        return root;
    }

    private static Map<String, Object> listener(ListenerConfig l) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", l.name());
        out.put("address", Addresses.format(l.address()));
        out.put("cluster", l.cluster());
        out.put("backlog", l.backlog());
        out.put("idle_timeout", duration(l.idleTimeout()));
        out.put("max_connection_duration", duration(l.maxConnectionDuration()));
        out.put("buffer_bytes", l.bufferBytes());
        out.put("tcp_no_delay", l.tcpNoDelay());
        out.put("access_log", switch (l.accessLog().target()) {
            case STDOUT -> "stdout";
            case OFF -> "off";
            case FILE -> l.accessLog().path().toString();
        });
        out.put("proxy_protocol", Validator.spelling(l.proxyProtocol()));
        out.put("trusted_sources", prefixes(l.trustedSources()));
        out.put("proxy_protocol_timeout", duration(l.proxyProtocolTimeout()));
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("default", Validator.spelling(l.policy().defaultAction()));
        policy.put("allow", prefixes(l.policy().allow()));
        policy.put("deny", prefixes(l.policy().deny()));
        policy.put("shadow", l.policy().shadow());
        out.put("policy", policy);
        out.put("zero_copy", Validator.spelling(l.zeroCopy()));
        return out;
    }

    private static Map<String, Object> cluster(ClusterConfig c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", c.name());
        out.put("discovery", Validator.spelling(c.discovery()));
        List<Map<String, Object>> endpoints = c.endpoints().stream().map(e -> {
            Map<String, Object> ep = new LinkedHashMap<>();
            ep.put("address", e.authority());
            ep.put("weight", e.weight());
            return ep;
        }).toList();
        out.put("endpoints", endpoints);
        out.put("lb", Validator.spelling(c.lb()));
        out.put("connect_timeout", duration(c.connectTimeout()));
        out.put("max_connections", c.maxConnections());
        out.put("connect_attempts", c.connectAttempts());
        out.put("dns_refresh", duration(c.dnsRefresh()));
        out.put("max_pending", c.maxPending());
        out.put("panic_threshold", c.panicThreshold());
        out.put("endpoint_removal_grace", duration(c.endpointRemovalGrace()));
        out.put("proxy_protocol", Validator.spelling(c.proxyProtocol()));
        if (c.sourceAddress() != null) {
            out.put("source_address", Addresses.format(c.sourceAddress()));
        }
        if (c.healthCheck() != null) {
            out.put("health_check", healthCheck(c.healthCheck()));
        }
        if (c.outlierDetection() != null) {
            OutlierDetectionConfig o = c.outlierDetection();
            Map<String, Object> od = new LinkedHashMap<>();
            od.put("consecutive_failures", o.consecutiveFailures());
            od.put("base_ejection_time", duration(o.baseEjectionTime()));
            od.put("max_ejection_time", duration(o.maxEjectionTime()));
            od.put("max_ejection_percent", o.maxEjectionPercent());
            out.put("outlier_detection", od);
        }
        return out;
    }

    private static Map<String, Object> healthCheck(HealthCheckConfig h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", Validator.spelling(h.type()));
        out.put("interval", duration(h.interval()));
        out.put("timeout", duration(h.timeout()));
        out.put("unhealthy_threshold", h.unhealthyThreshold());
        out.put("healthy_threshold", h.healthyThreshold());
        out.put("jitter", duration(h.jitter()));
        out.put("new_endpoints_healthy", h.newEndpointsHealthy());
        payload(out, "send", h.send());
        payload(out, "expect", h.expect());
        if (h.type() == HealthCheckConfig.Type.HTTP) {
            out.put("path", h.path());
            out.put("expected_statuses", h.expectedStatuses().stream().map(HealthCheckConfig.StatusRange::toString).toList());
        }
        return out;
    }

    /** Printable text as {@code field}, anything else as {@code field_hex}. */
    private static void payload(Map<String, Object> out, String field, HealthCheckConfig.Payload p) {
        if (p == null) {
            return;
        }
        String text = p.asText();
        if (text != null) {
            out.put(field, text);
        } else {
            out.put(field + "_hex", p.asHex());
        }
    }

    private static List<String> prefixes(List<Prefix> prefixes) {
        return prefixes.stream().map(Prefix::toString).toList();
    }

    private static String duration(Duration d) {
        return Durations.format(d);
    }

    private static String write(ObjectWriter writer, ProxyConfig config) {
        try {
            return writer.writeValueAsString(toTree(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialize", e);
        }
    }
}
