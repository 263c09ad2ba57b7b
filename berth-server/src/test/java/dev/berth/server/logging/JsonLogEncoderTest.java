package dev.berth.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class JsonLogEncoderTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("berth.echo.conn");
    private final JsonLogEncoder encoder = new JsonLogEncoder();

    @Test
    void writesOneObjectPerLineWithStructuredFields() throws Exception {
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.INFO, "connection closed", null, null);
        event.setTimeStamp(1_700_000_000_123L);
        event.setKeyValuePairs(List.of(
                new KeyValuePair("peer_ip", "::1"),
                new KeyValuePair("peer_port", 51234),
                new KeyValuePair("bytes_in", 16L * 1024 * 1024),
                new KeyValuePair("exact", true),
                new KeyValuePair("quote", "say \"hi\"\n")));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("ts").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("logger").asText()).isEqualTo("berth.echo.conn");
        assertThat(json.get("msg").asText()).isEqualTo("connection closed");
        assertThat(json.get("peer_ip").asText()).isEqualTo("::1");
        assertThat(json.get("peer_port").isInt()).isTrue();
        assertThat(json.get("peer_port").asInt()).isEqualTo(51234);
        assertThat(json.get("bytes_in").asLong()).isEqualTo(16L * 1024 * 1024);
        assertThat(json.get("exact").asBoolean()).isTrue();
        assertThat(json.get("quote").asText()).isEqualTo("say \"hi\"\n");
    }

    @Test
    void attachesTheErrorAndStack() throws Exception {
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.ERROR, "boom {}", new IllegalStateException("bad state"),
                new Object[] {"now"});
        JsonNode json = new ObjectMapper().readTree(new String(encoder.encode(event), StandardCharsets.UTF_8));
        assertThat(json.get("msg").asText()).isEqualTo("boom now");
        assertThat(json.get("error").asText()).isEqualTo("java.lang.IllegalStateException: bad state");
        assertThat(json.get("stack").asText()).contains("JsonLogEncoderTest");
    }
}
