package dev.berth.proxy.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the proxy's YAML configuration into a validated {@link ProxyConfig}.
 *
 * <p>Three passes over the same text: a streaming pass that indexes the line and column of every
 * key and value ({@link LocationIndex}); Jackson data binding into raw records, with a problem
 * handler that records wrong types instead of throwing ({@link BindingProblems}); and validation
 * into the runtime records, which also reports unknown fields ({@link Validator}). Every
 * error from all three is reported at once, in file order, as {@code file:line:column: path: message}.
 */
public final class ConfigLoader {

    // Files are a few kilobytes; anything this big is the wrong file.
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    // An empty value (`name:`) reads as null, i.e. absent, like `name: ~`.
    private static final YAMLFactory YAML = YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

    private static final ObjectReader READER = YAMLMapper.builder(YAML)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            // Unknown fields are the validator's to report, with their key's position (see BindingProblems).
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            // A quoted "" where a mapping or list belongs goes to the problem handler like any other string.
            .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert))
            .build()
            .readerFor(Raw.Config.class);

    private ConfigLoader() {}

    /**
     * Reads and validates a configuration file.
     *
     * @throws ConfigException listing every error, including "cannot read the file"
     */
    public static ProxyConfig load(Path file) {
        return loadFile(file).config();
    }

    /**
     * Reads and validates a configuration file, and says which bytes it read (their SHA-256),
     * so that a running proxy can show which version of the file it runs.
     *
     * @throws ConfigException listing every error, including "cannot read the file"
     */
    public static LoadedConfig loadFile(Path file) {
        String name = file.toString();
        byte[] bytes;
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw fileError(name, "larger than 1 MiB; is this the configuration file?");
            }
            bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw fileError(name, "no such file");
        } catch (AccessDeniedException e) {
            throw fileError(name, "permission denied");
        } catch (CharacterCodingException e) {
            throw fileError(name, "not UTF-8 text");
        } catch (FileSystemException e) {
            // The reason without the path, which the error already starts with: "Is a directory".
            throw fileError(name, "cannot read: " + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()));
        } catch (IOException e) {
            throw fileError(name, "cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return new LoadedConfig(parse(text, name), name, sha256(bytes));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Validates configuration text; {@code fileName} is only used in error messages.
     *
     * @throws ConfigException listing every error
     */
    public static ProxyConfig parse(String yaml, String fileName) {
        String text = yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml; // a byte-order mark is not content
        Problems problems = new Problems();
        LocationIndex index;
        try {
            index = LocationIndex.build(text, YAML, problems);
        } catch (JacksonException e) {
            throw new ConfigException(List.of(syntaxError(fileName, e)));
        } catch (IOException e) {
            throw new IllegalStateException("reading from a string", e); // StringReader does not fail
        }
        if (index.isEmpty()) {
            throw new ConfigException(List.of(new ConfigError(fileName, 1, 1, FieldPath.ROOT,
                    "empty configuration (expected: listeners and clusters; without --config the built-in sidecar runs)")));
        }
        Raw.Config raw;
        try {
            raw = READER.withHandler(new BindingProblems(problems)).readValue(text);
        } catch (JacksonException e) {
            // Whatever the problem handler does not cover stops the reading; report it where it happened.
            JsonLocation at = e.getLocation();
            LocationIndex.Position pos = at == null ? LocationIndex.Position.START : LocationIndex.position(at);
            List<ConfigError> errors = new ArrayList<>(problems.resolve(fileName, index));
            errors.add(new ConfigError(fileName, pos.line(), pos.column(), FieldPath.ROOT, JacksonMessages.oneLine(e)));
            throw new ConfigException(errors);
        } catch (IOException e) {
            throw new IllegalStateException("reading from a string", e);
        }
        ProxyConfig config = new Validator(problems, index).validate(raw);
        if (!problems.isEmpty() || config == null) {
            List<ConfigError> errors = problems.resolve(fileName, index);
            throw new ConfigException(errors.isEmpty()
                    ? List.of(new ConfigError(fileName, 1, 1, FieldPath.ROOT, "no configuration in the file"))
                    : errors);
        }
        return config;
    }

    /**
     * The built-in sidecar that {@code berth proxy} runs without {@code --config}: listener
     * {@code inbound} on {@code 0.0.0.0:15001} forwarding to cluster {@code local-app} at
     * {@code 127.0.0.1:8080}, admin on {@code 127.0.0.1:15000}, every other value its default.
     */
    public static ProxyConfig defaults() {
        return new ProxyConfig(
                new AdminConfig(Addresses.bind(Defaults.ADMIN_ADDRESS)),
                List.of(new ListenerConfig(
                        Defaults.SIDECAR_LISTENER,
                        Addresses.bind(Defaults.SIDECAR_LISTEN_ADDRESS),
                        Defaults.SIDECAR_CLUSTER,
                        Defaults.BACKLOG,
                        Defaults.IDLE_TIMEOUT,
                        Defaults.MAX_CONNECTION_DURATION,
                        Defaults.BUFFER_BYTES,
                        Defaults.TCP_NO_DELAY,
                        AccessLogConfig.STDOUT,
                        ListenerConfig.ProxyProtocol.NONE,
                        List.of(),
                        Defaults.PROXY_PROTOCOL_TIMEOUT,
                        PolicyConfig.ALLOW_ALL)),
                List.of(new ClusterConfig(
                        Defaults.SIDECAR_CLUSTER,
                        ClusterConfig.Discovery.STATIC,
                        List.of(new EndpointConfig(Defaults.SIDECAR_ENDPOINT_HOST, Defaults.SIDECAR_ENDPOINT_PORT, Defaults.WEIGHT)),
                        ClusterConfig.LbPolicy.ROUND_ROBIN,
                        Defaults.CONNECT_TIMEOUT,
                        Defaults.MAX_CONNECTIONS,
                        Defaults.CONNECT_ATTEMPTS,
                        Defaults.DNS_REFRESH,
                        Defaults.MAX_PENDING,
                        Defaults.PANIC_THRESHOLD,
                        Defaults.ENDPOINT_REMOVAL_GRACE,
                        ClusterConfig.ProxyProtocol.NONE,
                        null,
                        null)),
                new ShutdownConfig(Defaults.ACCEPT_GRACE, Defaults.DRAIN_TIMEOUT));
    }

    private static ConfigException fileError(String file, String message) {
        return new ConfigException(List.of(new ConfigError(file, 0, 0, FieldPath.ROOT, message)));
    }

    private static ConfigError syntaxError(String file, JacksonException e) {
        JacksonMessages.Located located = JacksonMessages.syntax(e);
        return new ConfigError(file, located.position().line(), located.position().column(), FieldPath.ROOT,
                "YAML syntax error: " + located.message());
    }
}
