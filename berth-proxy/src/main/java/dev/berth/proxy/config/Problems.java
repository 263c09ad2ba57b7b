package dev.berth.proxy.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Errors collected while reading and validating one file. They are recorded by path and placed
 * (line, column) only at the end, from the {@link LocationIndex}, so the reading pass, the
 * problem handler and the validator need not track positions themselves.
 */
final class Problems {

    /** Where an error points: at a field's value, or at its key (an unknown or duplicate field). */
    enum At {
        VALUE,
        KEY
    }

    private record Problem(String path, At at, LocationIndex.Position position, String message) {}

    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();

    /**
     * Records an error at the value of {@code path}, unless one is already recorded there: a
     * value that was a list where a string belongs, a duplicate key or an alias reads as absent
     * or as something else, and one error about it is enough.
     */
    void add(String path, String message) {
        if (!paths.contains(path)) {
            record(new Problem(path, At.VALUE, null, message));
        }
    }

    /** Records an error even if {@code path} has one already (an object missing several fields). */
    void addAlso(String path, At at, String message) {
        record(new Problem(path, at, null, message));
    }

    /** Records an error at a known position (the index found it: duplicate keys, aliases). */
    void addAt(String path, LocationIndex.Position position, String message) {
        record(new Problem(path, At.VALUE, position, message));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    private void record(Problem p) {
        problems.add(p);
        paths.add(p.path());
    }

    /** The errors in file order; identical ones (same place, same words) once. */
    List<ConfigError> resolve(String file, LocationIndex index) {
        record Located(ConfigError error, int order) {}
        List<Located> located = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Problem p : problems) {
            LocationIndex.Position pos = p.position() != null ? p.position() : index.locate(p.path(), p.at());
            ConfigError e = new ConfigError(file, pos.line(), pos.column(), p.path(), p.message());
            if (seen.add(e.toString())) {
                located.add(new Located(e, located.size()));
            }
        }
        located.sort(Comparator.comparingInt((Located l) -> l.error().line())
                .thenComparingInt(l -> l.error().column())
                .thenComparingInt(Located::order));
        return located.stream().map(Located::error).toList();
    }
}
