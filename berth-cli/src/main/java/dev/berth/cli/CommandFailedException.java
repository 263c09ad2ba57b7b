package dev.berth.cli;

/** A command could not do its job for a reason the user can act on; printed as one line. */
final class CommandFailedException extends RuntimeException {

    private final int status;

    CommandFailedException(String message, int status) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
