package dev.berth.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ReasonCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written JSON line: valid JSON with every field, escaping, and ISO_INSTANT's time format. */
class AccessLogFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConnectionInfo finished(String detail) {
        ConnectionInfo c = new ConnectionInfo(7, "in", "app",
                new InetSocketAddress(InetAddress.ofLiteral("192.0.2.10"), 40000),
                new InetSocketAddress(InetAddress.ofLiteral("2001:db8::1"), 15001));
        c.proxied(new InetSocketAddress(InetAddress.ofLiteral("198.51.100.7"), 5555),
                new InetSocketAddress(InetAddress.ofLiteral("203.0.113.1"), 443));
        c.attempt("10.0.0.7:8080");
        c.upstream("10.0.0.7:8080", new InetSocketAddress(InetAddress.ofLiteral("10.0.0.1"), 50123));
        c.addFromDownstream(1234);
        c.addToDownstream(5678);
        c.fin(ConnectionInfo.Side.DOWNSTREAM);
        c.end(ReasonCode.DC, ConnectionInfo.Termination.FIN, detail);
        c.closed();
        return c;
    }

    @Test
    void everyFieldInOrderAsJson() throws Exception {
        JsonNode r = JSON.readTree(AccessLogFormat.format(finished(null)));
        List<String> names = iterate(r.fieldNames());
        assertThat(names).containsExactly("start", "duration_ms", "listener", "downstream", "client", "local", "cluster", "upstream",
                "upstream_local", "connect_attempts", "cause", "bytes_received", "bytes_sent", "first_fin", "termination", "reason", "detail");
        assertThat(r.get("downstream").asText()).isEqualTo("192.0.2.10:40000");
        assertThat(r.get("client").asText()).isEqualTo("198.51.100.7:5555");
        assertThat(r.get("local").asText()).isEqualTo("[2001:db8::1]:15001");
        assertThat(r.get("upstream_local").asText()).isEqualTo("10.0.0.1:50123");
        assertThat(r.get("bytes_received").asLong()).isEqualTo(1234);
        assertThat(r.get("bytes_sent").asLong()).isEqualTo(5678);
        assertThat(r.get("termination").asText()).isEqualTo("fin");
        assertThat(r.get("reason").asText()).isEqualTo("DC");
        assertThat(r.get("detail").asText()).isEqualTo(ReasonCode.DC.meaning());
        assertThat(Instant.parse(r.get("start").asText())).isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void absentValuesAreNull() throws Exception {
        ConnectionInfo c = new ConnectionInfo(1, "in", "app",
                new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 1), new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 2));
        c.closed();
        JsonNode r = JSON.readTree(AccessLogFormat.format(c));
        for (String f : List.of("client", "upstream", "upstream_local", "cause", "first_fin", "termination", "reason", "detail")) {
            assertThat(r.get(f).isNull()).as(f).isTrue();
        }
    }

    @Test
    void detailsWithQuotesBackslashesAndControlCharactersStayOneLineOfValidJson() throws Exception {
        String nasty = "endpoint \"x\" said \\ no\n\r\t\b\f\u0001\u001f and ünïcode ✓";
        String line = AccessLogFormat.format(finished(nasty));
        assertThat(line).doesNotContain("\n", "\r");
        assertThat(JSON.readTree(line).get("detail").asText()).isEqualTo(nasty);
    }

    @Test
    void timesMatchIsoInstant() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            long millis = i < 3 ? new long[] {0, 999, 1_000}[i] : 1_500_000_000_000L + random.nextLong(2_000_000_000_000L);
            if (i % 7 == 0) {
                millis -= millis % 1000; // whole seconds have no fraction
            }
            StringBuilder b = new StringBuilder();
            AccessLogFormat.appendInstant(b, millis);
            assertThat(b.toString()).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis)));
        }
    }

    private static List<String> iterate(Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
