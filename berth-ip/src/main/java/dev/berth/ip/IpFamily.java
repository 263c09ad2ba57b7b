package dev.berth.ip;

/** The two IP address families. */
public enum IpFamily {
    IPV4("IPv4", 32),
    IPV6("IPv6", 128);

    private final String label;
    private final int bits;

    IpFamily(String label, int bits) {
        this.label = label;
        this.bits = bits;
    }

    /** {@code IPv4} or {@code IPv6}, as people write it. */
    public String label() {
        return label;
    }

    /** Address length in bits: 32 or 128. */
    public int bits() {
        return bits;
    }

    /** Address length in bytes: 4 or 16. */
    public int bytes() {
        return bits / 8;
    }

    @Override
    public String toString() {
        return label;
    }
}
