package dev.berth.sockdiag.procfs;

/**
 * An inclusive range of ports, as {@code net.ipv4.ip_local_port_range} holds the ephemeral range.
 *
 * @param low the first port
 * @param high the last port, {@code >= low}
 */
public record PortRange(int low, int high) {

    /** The kernel's default ephemeral range, 32768-60999 (28,232 ports). */
    public static final PortRange KERNEL_DEFAULT = new PortRange(32768, 60999);

    public PortRange {
        if (low < 0 || high > 65535 || low > high) {
            throw new IllegalArgumentException(low + "-" + high + " (expected: 0 <= low <= high <= 65535)");
        }
    }

    /**
     * The text of {@code ip_local_port_range}: two port numbers separated by white space.
     *
     * @throws IllegalArgumentException with the reason, when it is not that
     */
    public static PortRange parse(String text) {
        String[] f = text.strip().split("\\s+");
        if (f.length != 2 || !ProcText.isDecimal(f[0], false) || !ProcText.isDecimal(f[1], false)
                || f[0].length() > 5 || f[1].length() > 5) {
            throw new IllegalArgumentException(ProcText.quote(text.strip()) + " is not two port numbers");
        }
        return new PortRange(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    /** How many ports the range holds. */
    public int size() {
        return high - low + 1;
    }

    /** {@code 32768-60999}. */
    @Override
    public String toString() {
        return low + "-" + high;
    }
}
