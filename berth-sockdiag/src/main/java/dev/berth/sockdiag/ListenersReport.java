package dev.berth.sockdiag;

import java.util.List;
import java.util.Map;

/**
 * {@code berth diag listeners}: every listening socket of a network namespace, most exposed first.
 *
 * @param pid the process whose namespace was read, or {@code null}
 * @param namespace the network namespace, or {@code null} when unknown
 * @param listeners every TCP listener and unconnected UDP socket
 * @param counts listeners per severity, every severity present
 * @param notes what could not be seen and why
 * @param problems lines of procfs that could not be read
 */
public record ListenersReport(Long pid, String namespace, List<Listener> listeners, Map<Severity, Integer> counts,
        List<String> notes, List<String> problems) {

    /** True when some listener is at least as severe as {@code level}. */
    public boolean has(Severity level) {
        return listeners.stream().anyMatch(l -> l.severity().atLeast(level));
    }
}
