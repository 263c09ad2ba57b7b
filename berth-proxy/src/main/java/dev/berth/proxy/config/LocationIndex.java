package dev.berth.proxy.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Line and column of every key and value in a YAML text, by {@link FieldPath}, and the keys of
 * every mapping (for the unknown-field check). Built in a
 * streaming pass of its own because data binding forgets positions; the same pass catches what
 * binding would silently accept: a key given twice (last wins), an alias (read as the anchor's
 * name, not its value) and a second document (ignored).
 */
final class LocationIndex {

    /** 1-based line and column. */
    record Position(int line, int column) {
        static final Position START = new Position(1, 1);
    }

    private final Map<String, Position> keys = new HashMap<>();
    private final Map<String, Position> values = new HashMap<>();
    private final Map<String, Set<String>> fields = new HashMap<>();
    private boolean empty = true;

    private LocationIndex() {}

    /**
     * Reads the whole text once.
     *
     * @throws IOException a {@link com.fasterxml.jackson.core.JacksonException} when the text is not YAML
     */
    static LocationIndex build(String yaml, YAMLFactory factory, Problems problems) throws IOException {
        LocationIndex index = new LocationIndex();
        try (JsonParser p = factory.createParser(yaml)) {
            int depth = 0;
            boolean rootDone = false;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Position at = position(p.currentTokenLocation());
                if (rootDone) {
                    problems.addAt(FieldPath.ROOT, at, "a second YAML document (expected: one document per file)");
                    break;
                }
                switch (t) {
                    case FIELD_NAME -> {
                        String path = FieldPath.of(p.getParsingContext());
                        index.fields.computeIfAbsent(FieldPath.of(p.getParsingContext().getParent()), k -> new LinkedHashSet<>())
                                .add(p.currentName());
                        Position first = index.keys.putIfAbsent(path, at);
                        if (first != null) {
                            problems.addAt(path, at, "duplicate field '" + p.currentName() + "' (first at line " + first.line() + ")");
                        }
                    }
                    case START_OBJECT, START_ARRAY -> {
                        index.values.putIfAbsent(FieldPath.of(p.getParsingContext().getParent()), at);
                        depth++;
                    }
                    case END_OBJECT, END_ARRAY -> depth--;
                    default -> {
                        JsonStreamContext c = p.getParsingContext();
                        String path = FieldPath.of(c);
                        index.values.putIfAbsent(path, at);
                        if (p instanceof YAMLParser yp && yp.isCurrentAlias()) {
                            problems.addAt(path, at, "YAML alias *" + p.getText() + " is not supported (write the value out)");
                        }
                    }
                }
                if (!(t == JsonToken.VALUE_NULL && depth == 0)) {
                    index.empty = false; // a document holding only comments reads as one null
                }
                rootDone = depth == 0 && t != JsonToken.FIELD_NAME;
            }
        }
        return index;
    }

    /** True when the text holds no value at all: nothing, comments, or an explicit empty document. */
    boolean isEmpty() {
        return empty;
    }

    /** Whether the file gives {@code path} a value (possibly null): "absent" and "null" read the same after binding. */
    boolean has(String path) {
        return values.containsKey(path);
    }

    /** The keys of the mapping at {@code path}, in file order; empty when it is not a mapping. */
    Set<String> fieldsOf(String path) {
        return fields.getOrDefault(path, Set.of());
    }

    /** Where {@code path} is, or failing that its nearest enclosing value, or the start of the file. */
    Position locate(String path, Problems.At at) {
        if (at == Problems.At.KEY && keys.containsKey(path)) {
            return keys.get(path);
        }
        for (String p = path; p != null; p = FieldPath.parent(p)) {
            Position found = values.get(p);
            if (found != null) {
                return found;
            }
        }
        return Position.START;
    }

    static Position position(JsonLocation location) {
        return new Position(Math.max(location.getLineNr(), 1), Math.max(location.getColumnNr(), 1));
    }
}
