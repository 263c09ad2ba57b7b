package dev.berth.proxy.config;

import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Field paths as errors show them: {@code clusters[1].endpoints[0].address}; the empty string is
 * the whole document. The location index and the validator build them the same way, so a path
 * is also the key under which a value's line and column are found.
 */
final class FieldPath {

    static final String ROOT = "";

    private FieldPath() {}

    static String field(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    /** The enclosing container of {@code path}, or {@code null} for the root. */
    static String parent(String path) {
        if (path.isEmpty()) {
            return null;
        }
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? ROOT : path.substring(0, cut);
    }

    /**
     * The path of the entry a parsing context is positioned at: for an object context the
     * current field, for an array context the current element.
     */
    static String of(JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        String path = ROOT;
        for (JsonStreamContext c : chain) {
            if (c.inArray()) {
                path = index(path, Math.max(c.getCurrentIndex(), 0));
            } else {
                String name = c.getCurrentName();
                path = field(path, name == null ? "" : name);
            }
        }
        return path;
    }
}
