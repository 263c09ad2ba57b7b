package dev.berth.proxy.config;

/**
 * One thing wrong with a configuration file, located for the person who has to fix it.
 *
 * @param file    the file name as given to the loader
 * @param line    1-based line of the offending value (or key, for an unknown field); 0 when not about a place in the file
 * @param column  1-based column; 0 when {@code line} is 0
 * @param path    the field, as in {@code clusters[1].endpoints[0]}; empty for the whole file
 * @param message what is wrong and what was expected, without the location
 */
public record ConfigError(String file, int line, int column, String path, String message) {

    /** {@code berth.yaml:14:9: clusters[1].endpoints[0]: port 70000 (expected: 1-65535)}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(':').append(line).append(':').append(column);
        }
        out.append(": ");
        if (!path.isEmpty()) {
            out.append(path).append(": ");
        }
        return out.append(message).toString();
    }
}
