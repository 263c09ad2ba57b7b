package dev.berth.proxy.reload;

import dev.berth.proxy.config.ConfigDump;
import dev.berth.proxy.config.ProxyConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What differs between the running configuration and the one a reload brings, in the words of
 * the file: {@code listener 'in': policy, idle_timeout changed}. Field names come from the
 * effective configuration ({@link ConfigDump#toTree}), so they are the ones users write.
 */
public final class ConfigChanges {

    private ConfigChanges() {}

    /** One line per listener or cluster added, removed or changed, and per top-level section changed; empty when equal. */
    public static List<String> between(ProxyConfig before, ProxyConfig after) {
        Map<String, Object> a = ConfigDump.toTree(before);
        Map<String, Object> b = ConfigDump.toTree(after);
        List<String> out = new ArrayList<>();
        named(out, "listener", a.get("listeners"), b.get("listeners"));
        named(out, "cluster", a.get("clusters"), b.get("clusters"));
        section(out, "admin", a.get("admin"), b.get("admin"), " (takes effect at the next restart; the admin endpoint stays where it is)");
        section(out, "shutdown", a.get("shutdown"), b.get("shutdown"), "");
        return out;
    }

    private static void named(List<String> out, String kind, Object before, Object after) {
        Map<String, Map<String, Object>> a = byName(before);
        Map<String, Map<String, Object>> b = byName(after);
        for (var e : b.entrySet()) {
            Map<String, Object> old = a.get(e.getKey());
            if (old == null) {
                out.add(kind + " '" + e.getKey() + "' added");
            } else if (!old.equals(e.getValue())) {
                out.add(kind + " '" + e.getKey() + "': " + String.join(", ", differing(old, e.getValue())) + " changed");
            }
        }
        for (String name : a.keySet()) {
            if (!b.containsKey(name)) {
                out.add(kind + " '" + name + "' removed");
            }
        }
    }

    private static void section(List<String> out, String name, Object before, Object after, String note) {
        if (!Objects.equals(before, after) && before instanceof Map<?, ?> a && after instanceof Map<?, ?> b) {
            List<String> fields = differing(a, b).stream().map(f -> name + "." + f).toList();
            out.add(String.join(", ", fields) + " changed" + note);
        }
    }

    private static List<String> differing(Map<?, ?> a, Map<?, ?> b) {
        List<String> fields = new ArrayList<>();
        for (Object k : a.keySet()) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                fields.add(String.valueOf(k));
            }
        }
        for (Object k : b.keySet()) {
            if (!a.containsKey(k)) {
                fields.add(String.valueOf(k));
            }
        }
        return fields;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> byName(Object list) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Object o : (List<Object>) list) {
            Map<String, Object> m = (Map<String, Object>) o;
            out.put(String.valueOf(m.get("name")), m);
        }
        return out;
    }
}
