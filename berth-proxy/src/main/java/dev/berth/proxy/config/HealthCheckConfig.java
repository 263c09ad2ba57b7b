package dev.berth.proxy.config;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Active health checking of a cluster's endpoints: every {@code interval} each endpoint (each
 * resolved address) is probed, off the data path, and its rise/fall state decides whether the
 * load balancer may pick it.
 *
 * @param type                {@code tcp}: connect, optionally send bytes and expect bytes back;
 *                            {@code http}: {@code GET path}, expect a status in {@code expectedStatuses}
 * @param interval            from the start of one check of an endpoint to the start of the next; default 5s
 * @param timeout             bounds one whole check (connect, send, answer); default 1s
 * @param unhealthyThreshold  consecutive failed checks that take a healthy endpoint out; default 3
 * @param healthyThreshold    consecutive passed checks that bring an unhealthy endpoint back; default 2
 * @param jitter              a random extra delay of up to this much before each check; default 0
 * @param newEndpointsHealthy a new endpoint takes traffic before its first check (the first
 *                            result then decides at once, Envoy's rule); false: it waits for a passing check. Default true
 * @param send                tcp: bytes written after connecting, or {@code null} for none
 * @param expect              tcp: bytes that must appear in the answer, or {@code null} to pass on connect (and send)
 * @param path                http: the request path; {@code null} for tcp
 * @param expectedStatuses    http: statuses that pass; empty for tcp
 */
public record HealthCheckConfig(
        Type type,
        Duration interval,
        Duration timeout,
        int unhealthyThreshold,
        int healthyThreshold,
        Duration jitter,
        boolean newEndpointsHealthy,
        Payload send,
        Payload expect,
        String path,
        List<StatusRange> expectedStatuses) {

    public HealthCheckConfig {
        expectedStatuses = List.copyOf(expectedStatuses);
    }

    /** A connect-only TCP check with every other value its default. */
    public static HealthCheckConfig tcp() {
        return new HealthCheckConfig(Type.TCP, Defaults.HC_INTERVAL, Defaults.HC_TIMEOUT, Defaults.HC_UNHEALTHY_THRESHOLD,
                Defaults.HC_HEALTHY_THRESHOLD, Defaults.HC_JITTER, Defaults.HC_NEW_ENDPOINTS_HEALTHY, null, null, null, List.of());
    }

    /** The same check with another interval, timeout and thresholds (tests use short ones). */
    public HealthCheckConfig withTiming(Duration interval, Duration timeout, int unhealthy, int healthy) {
        return new HealthCheckConfig(type, interval, timeout, unhealthy, healthy, jitter, newEndpointsHealthy, send, expect,
                path, expectedStatuses);
    }

    /** True when {@code status} is one of {@code expectedStatuses}. */
    public boolean expects(int status) {
        for (StatusRange r : expectedStatuses) {
            if (r.contains(status)) {
                return true;
            }
        }
        return false;
    }

    /** How endpoints are probed. */
    public enum Type {
        /** Connect; then send and expect bytes when configured. */
        TCP,
        /** An HTTP/1.1 GET; the status decides. */
        HTTP
    }

    /**
     * Bytes to send or expect, written in the file as UTF-8 text ({@code send}) or as hex
     * ({@code send_hex}). Equal when the bytes are equal, however they were written.
     */
    public record Payload(byte[] bytes) {

        public Payload {
            bytes = bytes.clone();
        }

        public static Payload text(String text) {
            return new Payload(text.getBytes(StandardCharsets.UTF_8));
        }

        public static Payload hex(String hex) {
            return new Payload(HexFormat.of().parseHex(hex));
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int length() {
            return bytes.length;
        }

        /**
         * The bytes as text when they are printable UTF-8 (tabs, CR and LF allowed), else
         * {@code null}: such payloads are shown as hex.
         */
        public String asText() {
            String s;
            try {
                s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                return null;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isISOControl(c) && c != '\r' && c != '\n' && c != '\t') {
                    return null;
                }
            }
            return s;
        }

        public String asHex() {
            return HexFormat.of().formatHex(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Payload p && Arrays.equals(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            String text = asText();
            return text != null ? "'" + text + "'" : "hex " + asHex();
        }
    }

    /**
     * HTTP statuses {@code from}-{@code to}, both included; written {@code 200-399}, or {@code 204}
     * for one status.
     */
    public record StatusRange(int from, int to) {

        public StatusRange {
            if (from < 100 || to > 599 || from > to) {
                throw new IllegalArgumentException("status range " + from + "-" + to + " (expected: within 100-599, low to high)");
            }
        }

        public boolean contains(int status) {
            return status >= from && status <= to;
        }

        @Override
        public String toString() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }
}
