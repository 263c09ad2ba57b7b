package dev.berth.cli;

import dev.berth.ip.IpAddress;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What {@code berth ip expand} and {@code berth ip compress} share: addresses in, one formatted address per line out. */
abstract class IpFormatCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "ADDR",
            description = "IPv4 or IPv6 address, e.g. 2001:db8::1, 2001:0DB8:0:0:0:0:0:1, ::ffff:10.0.0.1, fe80::1%eth0.")
    List<String> addresses;

    @Spec
    CommandSpec spec;

    /** The address as this command prints it. */
    abstract String format(IpAddress address);

    @Override
    public Integer call() {
        List<IpAddress> parsed = IpArguments.addresses(addresses);
        PrintWriter out = spec.commandLine().getOut();
        for (IpAddress a : parsed) {
            out.println(format(a));
        }
        out.flush();
        return 0;
    }
}
