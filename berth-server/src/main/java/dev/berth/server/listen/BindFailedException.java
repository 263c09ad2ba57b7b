package dev.berth.server.listen;

import java.net.InetSocketAddress;

/** A listening socket could not be bound; the message names the address and the reason in plain words. */
public final class BindFailedException extends Exception {

    private final InetSocketAddress address;

    public BindFailedException(InetSocketAddress address, String reason, Throwable cause) {
        super("cannot listen on " + SocketAddresses.format(address) + ": " + reason, cause);
        this.address = address;
    }

    public InetSocketAddress address() {
        return address;
    }
}
