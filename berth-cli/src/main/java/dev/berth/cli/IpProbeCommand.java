package dev.berth.cli;

import dev.berth.ip.probe.Ipv6Probe;
import dev.berth.ip.probe.Ipv6ProbeReport;
import dev.berth.ip.probe.ProbeAnswer;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code berth ip probe}: can this host do IPv6? Three separate answers with their reasons. */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Says whether this host can do IPv6: three answers with reasons.",
            "  sockets   can the kernel (and this JVM) create IPv6 sockets?",
            "  loopback  can a socket be bound to [::1]?",
            "  global    is there a usable global IPv6 address and a default IPv6 route?",
            "Reads /proc/net/if_inet6 and /proc/net/ipv6_route; sends no packets. Exit 0."
        })
final class IpProbeCommand implements Callable<Integer> {

    @Option(names = "--json", description = "One JSON object instead of text (fields in the README).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Ipv6ProbeReport report = Ipv6Probe.system().run();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(IpJson.probe(report));
        } else {
            text(report).forEach(out::println);
        }
        out.flush();
        return 0;
    }

    static List<String> text(Ipv6ProbeReport report) {
        return List.of(
                row("IPv6 sockets", report.sockets()),
                row("bind [::1]", report.loopback()),
                row("global IPv6", report.global()));
    }

    private static String row(String question, ProbeAnswer answer) {
        return String.format("%-13s %-3s  %s", question, answer.yes() ? "yes" : "no", answer.reason());
    }
}
