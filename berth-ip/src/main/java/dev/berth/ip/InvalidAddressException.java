package dev.berth.ip;

/**
 * Text that should have been an IP address, a prefix or a {@code HOST:PORT} is not one. The
 * message is one line that starts with the input as written and says what is wrong, either as
 * {@code "(expected: ...)"} or as a short reason:
 *
 * <pre>
 * 999.1.1.1: not an IP address (part 999 is over 255)
 * ::1:80: ambiguous: IPv6 with a port needs brackets, e.g. [::1]:80
 * 10.0.0.1/8: host bits are set (expected: the network address, 10.0.0.0/8)
 * </pre>
 *
 * <p>Control characters in the input are escaped and very long input is shortened, so the
 * message always stays one line. Callers prefix where the text came from (an option name, a
 * file position). It is a user's mistake, never shown with a stack trace.
 */
public final class InvalidAddressException extends IllegalArgumentException {

    private final String input;
    private final String problem;

    InvalidAddressException(String input, String problem) {
        super(Inputs.quote(input) + ": " + problem);
        this.input = input;
        this.problem = problem;
    }

    /** The text that was rejected, exactly as given. */
    public String input() {
        return input;
    }

    /** What is wrong with it: the message without the leading input, e.g. {@code not an IP address (part 999 is over 255)}. */
    public String problem() {
        return problem;
    }
}
