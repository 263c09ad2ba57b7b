package dev.berth.cli;

import dev.berth.ip.IpAddress;
import picocli.CommandLine.Command;

/** {@code berth ip expand}: every IPv6 group written out. */
@Command(
        name = "expand",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Prints addresses fully expanded, one per line.",
            "IPv6 as eight groups of four hex digits (2001:db8::1 ->",
            "2001:0db8:0000:0000:0000:0000:0000:0001), a %scope kept; IPv4 stays a dotted quad."
        })
final class IpExpandCommand extends IpFormatCommand {

    @Override
    String format(IpAddress address) {
        return address.toExpandedString();
    }
}
