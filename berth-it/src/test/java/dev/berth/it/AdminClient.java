package dev.berth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** {@code GET}s against a berth proxy's admin endpoint on loopback. */
final class AdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    AdminClient(int port) {
        this.port = port;
    }

    /** The body of {@code GET path}; fails on a status other than 200. */
    String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** The entry for {@code endpoint} (as {@code /clusters} labels it) in cluster {@code cluster}. */
    JsonNode endpoint(String cluster, String endpoint) throws IOException, InterruptedException {
        JsonNode root = JSON.readTree(get("/clusters"));
        Optional<JsonNode> found = StreamSupport.stream(root.path("clusters").spliterator(), false)
                .filter(c -> c.path("name").asText().equals(cluster))
                .flatMap(c -> StreamSupport.stream(c.path("endpoints").spliterator(), false))
                .filter(e -> e.path("address").asText().equals(endpoint))
                .findFirst();
        return found.orElseThrow(() -> new AssertionError("no endpoint " + endpoint + " in cluster " + cluster + ": " + root));
    }
}
