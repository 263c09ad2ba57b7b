package dev.berth.sockdiag.procfs;

/**
 * The socket states of {@code include/net/tcp_states.h}, as the {@code st} column of
 * {@code /proc/net/tcp} prints them in hex. UDP sockets use two of them: {@link #CLOSE} for an
 * unconnected socket (one that receives from anyone) and {@link #ESTABLISHED} for a connected one.
 */
public enum TcpState {
    ESTABLISHED(0x01),
    SYN_SENT(0x02),
    SYN_RECV(0x03),
    FIN_WAIT1(0x04),
    FIN_WAIT2(0x05),
    TIME_WAIT(0x06),
    CLOSE(0x07),
    CLOSE_WAIT(0x08),
    LAST_ACK(0x09),
    LISTEN(0x0A),
    CLOSING(0x0B),
    /** A request socket; procfs prints these as {@code 03}, only INET_DIAG shows {@code 0C}. */
    NEW_SYN_RECV(0x0C),
    /** A bound, unconnected socket that INET_DIAG can list on newer kernels; procfs never shows it. */
    BOUND_INACTIVE(0x0D);

    private static final TcpState[] BY_CODE = new TcpState[0x0E];

    static {
        for (TcpState s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;

    TcpState(int code) {
        this.code = code;
    }

    /** The kernel's number for the state. */
    public int code() {
        return code;
    }

    /** The state with this number, or {@code null} when there is none. */
    public static TcpState ofCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** {@code time_wait}: the JSON name. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
