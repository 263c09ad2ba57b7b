package dev.berth.server.config;

/**
 * A value a user wrote is not acceptable. The message starts with the value and says what was
 * expected ({@code "99999: expected 1-65535"}); callers prefix where it came from (an option
 * name, or file:line:column and a field path). Never shown to a user with a stack trace.
 */
public final class InvalidValueException extends IllegalArgumentException {

    public InvalidValueException(String message) {
        super(message);
    }
}
