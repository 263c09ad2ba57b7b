package dev.berth.sockdiag.procfs;

import java.util.BitSet;

/**
 * A set of ports written as {@code net.ipv4.ip_local_reserved_ports} writes it: comma-separated
 * ports and inclusive ranges, {@code 8080,9000-9010}; empty text is the empty set.
 */
public final class PortSet {

    /** No ports. */
    public static final PortSet EMPTY = new PortSet(new BitSet());

    private final BitSet ports;

    private PortSet(BitSet ports) {
        this.ports = ports;
    }

    /**
     * Parses the sysctl's text.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static PortSet parse(String text) {
        BitSet ports = new BitSet(65536);
        String t = text.strip();
        if (t.isEmpty()) {
            return EMPTY;
        }
        for (String part : t.split(",")) {
            String p = part.strip();
            int dash = p.indexOf('-');
            String lowText = dash < 0 ? p : p.substring(0, dash);
            String highText = dash < 0 ? p : p.substring(dash + 1);
            int low = port(lowText, text);
            int high = port(highText, text);
            if (low > high) {
                throw new IllegalArgumentException(ProcText.quote(p) + " is a range that ends before it starts");
            }
            ports.set(low, high + 1);
        }
        return new PortSet(ports);
    }

    private static int port(String s, String text) {
        if (!ProcText.isDecimal(s, false) || s.length() > 5 || Integer.parseInt(s) > 65535) {
            throw new IllegalArgumentException(ProcText.quote(text.strip()) + ": " + ProcText.quote(s) + " is not a port");
        }
        return Integer.parseInt(s);
    }

    public boolean contains(int port) {
        return port >= 0 && port <= 65535 && ports.get(port);
    }

    public boolean isEmpty() {
        return ports.isEmpty();
    }

    /** How many of these ports lie in {@code range}. */
    public int countIn(PortRange range) {
        return ports.get(range.low(), range.high() + 1).cardinality();
    }

    /** The sysctl's own form: {@code 8080,9000-9010}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        int i = ports.nextSetBit(0);
        while (i >= 0) {
            int end = ports.nextClearBit(i) - 1;
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(i);
            if (end > i) {
                b.append('-').append(end);
            }
            i = ports.nextSetBit(end + 1);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortSet other && other.ports.equals(ports);
    }

    @Override
    public int hashCode() {
        return ports.hashCode();
    }
}
