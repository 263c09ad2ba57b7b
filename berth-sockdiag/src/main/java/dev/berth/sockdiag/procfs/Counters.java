package dev.berth.sockdiag.procfs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The kernel's protocol counters from {@code /proc/net/netstat} and {@code /proc/net/snmp}, named
 * as {@code nstat} names them: the line's prefix and the column joined, {@code TcpExtListenOverflows},
 * {@code TcpActiveOpens}. Values count since boot (or since the network namespace was created).
 *
 * <p>Both files are pairs of lines with the same prefix: the names, then the values
 * ({@code TcpExt: SyncookiesSent ...} / {@code TcpExt: 0 ...}).
 */
public final class Counters {

    /** No counters at all. */
    public static final Counters EMPTY = new Counters(Map.of());

    private final Map<String, Long> values;

    private Counters(Map<String, Long> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Counters with these values, for tests. */
    public static Counters of(Map<String, Long> values) {
        return new Counters(new LinkedHashMap<>(values));
    }

    /**
     * Parses one file; a line pair that does not match (a different prefix, fewer values than
     * names, a value that is not a number) is reported by line number and the rest is kept.
     *
     * @param file the file's name for messages: {@code netstat} or {@code snmp}
     */
    public static ParseResult<Counters> parse(String text, String file) {
        Map<String, Long> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            String names = lines[i].strip();
            if (names.isEmpty()) {
                i++;
                continue;
            }
            int namesLine = i + 1;
            String prefix = prefix(names);
            if (prefix == null) {
                problems.add(file + " line " + namesLine + ": no 'Prefix:' at the start: " + ProcText.quote(names));
                i++;
                continue;
            }
            if (i + 1 >= lines.length || lines[i + 1].isBlank()) {
                problems.add(file + " line " + namesLine + ": " + prefix + " names without a line of values");
                i++;
                continue;
            }
            String valueLine = lines[i + 1].strip();
            if (!prefix.equals(prefix(valueLine))) {
                problems.add(file + " line " + (namesLine + 1) + ": expected the values of " + prefix + ", found "
                        + ProcText.quote(valueLine));
                i++;
                continue;
            }
            String[] n = fields(names, prefix);
            String[] v = fields(valueLine, prefix);
            if (n.length != v.length) {
                problems.add(file + " line " + (namesLine + 1) + ": " + v.length + " values for " + n.length + " " + prefix
                        + " names");
            }
            for (int k = 0; k < Math.min(n.length, v.length); k++) {
                if (ProcText.isDecimal(v[k], true)) {
                    values.put(prefix + n[k], ProcText.decimal(v[k]));
                } else {
                    problems.add(file + " line " + (namesLine + 1) + ": " + prefix + n[k] + " value " + ProcText.quote(v[k])
                            + " is not a number");
                }
            }
            i += 2;
        }
        return new ParseResult<>(new Counters(values), problems);
    }

    private static String prefix(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        for (int i = 0; i < colon; i++) {
            if (!Character.isLetterOrDigit(line.charAt(i))) {
                return null;
            }
        }
        return line.substring(0, colon);
    }

    private static String[] fields(String line, String prefix) {
        String rest = line.substring(prefix.length() + 1).strip();
        return rest.isEmpty() ? new String[0] : rest.split("\\s+");
    }

    /** These counters and {@code other}'s, {@code other}'s value winning a clash. */
    public Counters with(Counters other) {
        Map<String, Long> merged = new LinkedHashMap<>(values);
        merged.putAll(other.values);
        return new Counters(merged);
    }

    /** The value of {@code name} ({@code TcpExtListenOverflows}), if the kernel has that counter. */
    public OptionalLong get(String name) {
        Long v = values.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** The value, or 0 when the kernel has no such counter. */
    public long value(String name) {
        return values.getOrDefault(name, 0L);
    }

    /** How much {@code name} grew since {@code earlier}; empty when either lacks it or it went down (a reset). */
    public OptionalLong delta(Counters earlier, String name) {
        Long now = values.get(name);
        Long then = earlier.values.get(name);
        if (now == null || then == null || now < then) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(now - then);
    }

    /** Every counter, in file order. */
    public Map<String, Long> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
