package dev.berth.server.config;

/** TCP port numbers as users write them. */
public final class Ports {

    private Ports() {}

    /**
     * Parses a port; {@code 0} is allowed only when {@code allowZero} (meaning "pick a free one").
     *
     * @throws InvalidValueException quoting the input when it is not a port
     */
    public static int parse(String text, boolean allowZero) {
        String expected = allowZero ? "expected 0-65535" : "expected 1-65535";
        int port;
        try {
            port = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidValueException(text + ": " + expected);
        }
        if (port < (allowZero ? 0 : 1) || port > 65535) {
            throw new InvalidValueException(text + ": " + expected);
        }
        return port;
    }
}
