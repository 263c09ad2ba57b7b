package dev.berth.cli;

import dev.berth.ip.IpAddress;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
final class IpCompressCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "ADDR",
            description = "IPv4 or IPv6 address, e.g. 2001:0DB8:0000:0000:0000:0000:0000:0001.")
    List<String> addresses;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<IpAddress> parsed = IpArguments.addresses(addresses);
        PrintWriter out = spec.commandLine().getOut();
        for (IpAddress a : parsed) {
            out.println(a.toCanonicalString());
        }
        out.flush();
        return 0;
    }
}
