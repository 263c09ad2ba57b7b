package dev.berth.proxy.portpressure;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Optional;

/** Which local address the kernel would connect from to a destination, when nothing is bound. */
@FunctionalInterface
public interface RouteLookup {

    /** The source address for {@code destination}, or empty when there is no route to it. */
    Optional<InetAddress> sourceFor(InetSocketAddress destination);

    /**
     * Asks the kernel's routing: a UDP socket connected to the destination gets the source
     * address an unbound TCP connect would get (the same route lookup); no packet is sent.
     */
    static RouteLookup kernel() {
        return destination -> {
            StandardProtocolFamily family = destination.getAddress() instanceof Inet4Address
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
            try (DatagramChannel udp = DatagramChannel.open(family)) {
                udp.connect(destination);
                return Optional.of(((InetSocketAddress) udp.getLocalAddress()).getAddress());
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        };
    }
}
