package dev.berth.proxy.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The file as Jackson reads it, before any checking. Every scalar is a {@code String} (YAML
 * numbers and booleans arrive as their text) and everything is nullable, so that a bad value
 * never stops the reading: {@link Validator} turns each into a runtime value or an error with
 * its path. Keys are the record components in snake_case.
 */
final class Raw {

    private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /**
     * Fields PRODUCT.md promises that a coming version brings, by raw record, with what they will
     * do. Rejected by name, so that a file written for a later version fails loudly instead of
     * running without them. Empty at present: the last ones listed here (source-CIDR policy,
     * PROXY protocol, health checks, outlier ejection) are implemented.
     */
    static final Map<Class<?>, Map<String, String>> PLANNED = Map.of();

    private Raw() {}

    /** How error messages name a mapping of this type: {@code a mapping with name, address, cluster, ...}. */
    static String describe(Class<?> rawType) {
        List<String> names = fieldNames(rawType);
        return "a mapping with " + String.join(", ", names.subList(0, Math.min(3, names.size())))
                + (names.size() > 3 ? ", ..." : "");
    }

    /** The keys a raw record accepts, in declaration order (a {@code @JsonProperty} name as written). */
    static List<String> fieldNames(Class<?> rawType) {
        return Arrays.stream(rawType.getRecordComponents())
                .map(Raw::key)
                .toList();
    }

    private static String key(RecordComponent c) {
        JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
        return named != null ? named.value() : SNAKE_CASE.translate(c.getName());
    }

    record Config(Admin admin, List<Listener> listeners, List<Cluster> clusters, Shutdown shutdown) {}

    record Admin(String address) {}

    record Listener(
            String name,
            String address,
            String cluster,
            String backlog,
            String idleTimeout,
            String maxConnectionDuration,
            String bufferBytes,
            String tcpNoDelay,
            String accessLog,
            String proxyProtocol,
            List<String> trustedSources,
            String proxyProtocolTimeout,
            Policy policy,
            String zeroCopy) {}

    /** {@code default} is a Java keyword, hence the component's other name. */
    record Policy(@JsonProperty("default") String defaultAction, List<String> allow, List<String> deny, String shadow) {}

    record Cluster(
            String name,
            String discovery,
            List<Endpoint> endpoints,
            String lb,
            String connectTimeout,
            String maxConnections,
            String connectAttempts,
            String dnsRefresh,
            String maxPending,
            String panicThreshold,
            String endpointRemovalGrace,
            String proxyProtocol,
            String sourceAddress,
            HealthCheck healthCheck,
            OutlierDetection outlierDetection) {}

    record HealthCheck(
            String type,
            String interval,
            String timeout,
            String unhealthyThreshold,
            String healthyThreshold,
            String jitter,
            String newEndpointsHealthy,
            String send,
            String sendHex,
            String expect,
            String expectHex,
            String path,
            List<String> expectedStatuses) {}

    record OutlierDetection(
            String consecutiveFailures,
            String baseEjectionTime,
            String maxEjectionTime,
            String maxEjectionPercent) {}

    /** Written either as {@code 10.0.0.1:8080} or as {@code {address: 10.0.0.1:8080, weight: 3}}. */
    record Endpoint(String address, String weight) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        Endpoint {}

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Endpoint of(String address) {
            return new Endpoint(address, null);
        }
    }

    record Shutdown(String acceptGrace, String drainTimeout) {}
}
