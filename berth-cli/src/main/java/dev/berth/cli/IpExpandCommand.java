package dev.berth.cli;

import dev.berth.ip.IpAddress;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
final class IpExpandCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "ADDR",
            description = "IPv4 or IPv6 address, e.g. 2001:db8::1, ::ffff:10.0.0.1, fe80::1%eth0.")
    List<String> addresses;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<IpAddress> parsed = IpArguments.addresses(addresses);
        PrintWriter out = spec.commandLine().getOut();
        for (IpAddress a : parsed) {
            out.println(a.toExpandedString());
        }
        out.flush();
        return 0;
    }
}
