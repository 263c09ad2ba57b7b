package dev.berth.proxy.config;

import java.nio.file.Path;

/**
 * Where the proxy reads its configuration from, at start and again on each reload
 * ({@code SIGHUP}, {@code POST /reload}).
 */
@FunctionalInterface
public interface ConfigSource {

    /**
     * Reads and validates the configuration now.
     *
     * @throws ConfigException listing every error; the running configuration stays as it is
     */
    LoadedConfig load();

    /** The file, read afresh on every load: a reload picks up its edits. */
    static ConfigSource file(Path file) {
        return () -> ConfigLoader.loadFile(file);
    }

    /** A fixed configuration: every reload finds it unchanged. */
    static ConfigSource fixed(ProxyConfig config, String source) {
        LoadedConfig loaded = LoadedConfig.of(config, source);
        return () -> loaded;
    }
}
