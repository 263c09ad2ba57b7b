package dev.berth.cli;

import dev.berth.ip.IpAddress;
import picocli.CommandLine.Command;

/** {@code berth ip compress}: the RFC 5952 form. */
@Command(
        name = "compress",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Prints addresses in RFC 5952 canonical form, one per line.",
            "Lower case, no leading zeros, the longest run of zero groups as ::, IPv4-mapped",
            "addresses as ::ffff:a.b.c.d, a %scope kept."
        })
final class IpCompressCommand extends IpFormatCommand {

    @Override
    String format(IpAddress address) {
        return address.toCanonicalString();
    }
}
