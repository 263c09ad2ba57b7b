package dev.berth.cli;

import dev.berth.ip.InvalidAddressException;
import dev.berth.ip.IpAddress;
import dev.berth.ip.IpAddresses;
import dev.berth.ip.Prefix;
import java.util.List;

/**
 * The address and prefix arguments of {@code berth ip}, parsed by the commands themselves so
 * that a bad one is exactly one line naming the value and the reason, exit status 2:
 * {@code berth ip info: 999.1.1.1: not an IP address (part 999 is over 255)}. The message of
 * {@link InvalidAddressException} already says what the value should have been, so no
 * parameter label is added.
 */
final class IpArguments {

    private IpArguments() {}

    /**
     * An IP literal as {@link IpAddresses#forString} reads it, or the same in brackets
     * ({@code [::1]}), since people copy addresses out of URLs and {@code HOST:PORT}. Never resolved.
     */
    static IpAddress address(String text) {
        String literal = text.length() > 2 && text.startsWith("[") && text.endsWith("]")
                ? text.substring(1, text.length() - 1) : text;
        try {
            return IpAddresses.forString(literal);
        } catch (InvalidAddressException e) {
            throw badUsage(e);
        }
    }

    /** Every address, or the first bad one as bad usage (so nothing is printed for a bad list). */
    static List<IpAddress> addresses(List<String> texts) {
        return texts.stream().map(IpArguments::address).toList();
    }

    /** A CIDR prefix; host bits set are an error that names the network. */
    static Prefix prefix(String text) {
        try {
            return Prefix.parse(text);
        } catch (InvalidAddressException e) {
            throw badUsage(e);
        }
    }

    private static CommandFailedException badUsage(InvalidAddressException e) {
        return new CommandFailedException(e.getMessage(), 2);
    }
}
