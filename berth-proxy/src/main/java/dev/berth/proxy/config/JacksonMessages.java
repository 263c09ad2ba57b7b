package dev.berth.proxy.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** One-line messages and positions from Jackson's and SnakeYAML's exceptions, which span several lines with a snippet. */
final class JacksonMessages {

    record Located(LocationIndex.Position position, String message) {}

    private JacksonMessages() {}

    /** A YAML syntax error: SnakeYAML's problem and where it is, with what it was parsing. */
    static Located syntax(JacksonException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m && m.getProblem() != null) {
                Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
                LocationIndex.Position at = mark == null
                        ? position(e.getLocation())
                        : new LocationIndex.Position(mark.getLine() + 1, mark.getColumn() + 1);
                String message = firstLine(m.getProblem());
                if (m.getContext() != null) {
                    message += " (" + firstLine(m.getContext()) + ")";
                }
                return new Located(at, message);
            }
        }
        String message = oneLine(e);
        if (message.startsWith("Expected a field name")) {
            // Jackson's words for `? [a, b] : c`, naming SnakeYAML's event classes.
            message = "a mapping key must be a plain value, not a list or a mapping";
        }
        return new Located(position(e.getLocation()), message);
    }

    /** The exception's own message without the location Jackson appends, first line only. */
    static String oneLine(JacksonException e) {
        String message = e.getOriginalMessage();
        return message == null ? e.getClass().getSimpleName() : firstLine(message);
    }

    private static LocationIndex.Position position(JsonLocation location) {
        return location == null ? LocationIndex.Position.START : LocationIndex.position(location);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
