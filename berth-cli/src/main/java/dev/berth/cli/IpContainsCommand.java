package dev.berth.cli;

import dev.berth.ip.IpAddress;
import dev.berth.ip.Prefix;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code berth ip contains}: CIDR membership as an exit status. */
@Command(
        name = "contains",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Says whether a prefix contains an address: yes (exit 0) or no (1).",
            "Prints a yes/no line; exits 2 on a bad prefix or address. An IPv4-mapped address",
            "(::ffff:10.0.0.1) is matched as the IPv4 address it carries, as Berth's source",
            "policies match it."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:inside", "1:not inside", "2:bad prefix or address"})
final class IpContainsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PREFIX",
            description = "CIDR prefix, e.g. 10.0.0.0/8 or 2001:db8::/32 (host bits must be zero; a bare address is a /32 or /128).")
    String prefixText;

    @Parameters(index = "1", paramLabel = "ADDR",
            description = "IPv4 or IPv6 address.")
    String addressText;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Prefix prefix = IpArguments.prefix(prefixText);
        IpAddress address = IpArguments.address(addressText);
        PrintWriter out = spec.commandLine().getOut();
        boolean inside = prefix.contains(address);
        out.println(line(prefix, address, inside));
        out.flush();
        return inside ? 0 : 1;
    }

    /** {@code yes: 10.1.2.3 is in 10.0.0.0/8}, with a note when the families or a mapping explain the answer. */
    static String line(Prefix prefix, IpAddress address, boolean inside) {
        IpAddress matched = address.unmapped();
        Prefix effective = prefix.unmapped();
        String note = "";
        if (address.isIpv4Mapped()) {
            note = " (an IPv4-mapped address is matched as IPv4 " + matched + ")";
        } else if (matched.family() != effective.family()) {
            note = " (an " + matched.family().label() + " address; the prefix is " + effective.family().label() + ")";
        }
        return (inside ? "yes: " + address + " is in " : "no: " + address + " is not in ") + prefix + note;
    }
}
