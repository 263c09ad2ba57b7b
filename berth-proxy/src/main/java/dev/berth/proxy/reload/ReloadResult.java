package dev.berth.proxy.reload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a reload did, as {@code POST /reload} answers it.
 *
 * @param outcome what happened
 * @param version the configuration version running afterwards
 * @param changes what changed, one line each (empty unless {@link Outcome#RELOADED})
 * @param errors  why it was rejected, one line each ({@code file:line:column: path: message}); empty unless rejected
 */
public record ReloadResult(Outcome outcome, long version, List<String> changes, List<String> errors) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ReloadResult {
        changes = List.copyOf(changes);
        errors = List.copyOf(errors);
    }

    /** What a reload can end in. */
    public enum Outcome {
        /** The new configuration runs. */
        RELOADED,
        /** The file says what already runs; nothing was touched. */
        UNCHANGED,
        /** The new configuration was not taken; the old one runs on. */
        REJECTED
    }

    public static ReloadResult rejected(long version, List<String> errors) {
        return new ReloadResult(Outcome.REJECTED, version, List.of(), errors);
    }

    /** {@code {"outcome": "reloaded", "version": 3, "changes": [...], "errors": [...]}}. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        m.put("version", version);
        m.put("changes", changes);
        m.put("errors", errors);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings and numbers always serialize", e);
        }
    }
}
