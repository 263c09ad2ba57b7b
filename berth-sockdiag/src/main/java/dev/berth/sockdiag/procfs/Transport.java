package dev.berth.sockdiag.procfs;

/** The transport protocol of a socket table. */
public enum Transport {
    TCP("tcp"),
    UDP("udp");

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    /** {@code tcp} or {@code udp}: the JSON value and the start of the procfs file name. */
    public String label() {
        return label;
    }
}
