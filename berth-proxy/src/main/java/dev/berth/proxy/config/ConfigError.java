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

    /** Control characters (a quoted value may hold a newline) are escaped: one error, one line. */
    public ConfigError {
        file = printable(file);
        path = printable(path);
        message = printable(message);
    }

    private static String printable(String s) {
        if (s.chars().noneMatch(ConfigError::breaksLines)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (breaksLines(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static boolean breaksLines(int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }

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
