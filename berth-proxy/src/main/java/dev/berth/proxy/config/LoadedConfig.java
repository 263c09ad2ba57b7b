package dev.berth.proxy.config;

/**
 * A validated configuration and where it came from.
 *
 * @param config the configuration
 * @param source the file it was read from, or {@code built-in}
 * @param sha256 hex SHA-256 of the file's bytes (of the effective config's JSON for {@code built-in}),
 *               so that {@code /config_dump} tells which version of the file is running
 */
public record LoadedConfig(ProxyConfig config, String source, String sha256) {

    /** A configuration that did not come from a file (the built-in sidecar, or one built in code). */
    public static LoadedConfig of(ProxyConfig config, String source) {
        return new LoadedConfig(config, source,
                ConfigLoader.sha256(ConfigDump.toJson(config).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
