package dev.berth.proxy.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.server.listen.SocketAddresses;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formats a finished connection as one line of JSON (the access log's only format). */
public final class AccessLogFormat {

    private static final JsonFactory JSON = new JsonFactory();

    private AccessLogFormat() {}

    public static String format(ConnectionInfo c) {
        StringWriter out = new StringWriter(384);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("start", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(c.startEpochMillis())));
            g.writeNumberField("duration_ms", c.durationNanos() / 1_000_000);
            g.writeStringField("listener", c.listener());
            g.writeStringField("downstream", SocketAddresses.format(c.downstreamPeer()));
            writeNullable(g, "client", c.client() == null ? null : SocketAddresses.format(c.client()));
            g.writeStringField("local", SocketAddresses.format(c.downstreamLocal()));
            g.writeStringField("cluster", c.cluster());
            writeNullable(g, "upstream", c.upstreamEndpoint());
            writeNullable(g, "upstream_local", c.upstreamLocal() == null ? null : SocketAddresses.format(c.upstreamLocal()));
            g.writeNumberField("connect_attempts", c.connectAttempts());
            writeNullable(g, "cause", c.connectFailure() == null ? null : c.connectFailure().label());
            g.writeNumberField("bytes_received", c.bytesFromDownstream());
            g.writeNumberField("bytes_sent", c.bytesToDownstream());
            writeNullable(g, "first_fin", c.firstFin() == null ? null : c.firstFin().label());
            writeNullable(g, "termination", c.termination() == null ? null : c.termination().name().toLowerCase(Locale.ROOT));
            writeNullable(g, "reason", c.reason() == null ? null : c.reason().name());
            writeNullable(g, "detail", c.detail() != null ? c.detail() : c.reason() == null ? null : c.reason().meaning());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeNullable(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }
}
