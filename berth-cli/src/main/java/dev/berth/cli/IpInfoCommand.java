package dev.berth.cli;

import dev.berth.ip.AddressClass;
import dev.berth.ip.IpAddress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code berth ip info}: everything Berth knows about one address, without asking DNS or the network. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Describes an address: its forms, classes and reach.",
            "Family; canonical, expanded and URI forms; its classes (loopback, private, link-local,",
            "documentation, IPv4-mapped, 6to4, ...) with what each means; the IPv4 address it",
            "embeds, if any; and how far it can be reached."
        })
final class IpInfoCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ADDR",
            description = "IPv4 or IPv6 address, e.g. 10.0.0.1, ::ffff:10.0.0.1, fe80::1%eth0.")
    String input;

    @Option(names = "--json", description = "One JSON object instead of text (fields in the README).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        IpAddress address = IpArguments.address(input);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(IpJson.info(input, address));
        } else {
            text(address).forEach(out::println);
        }
        out.flush();
        return 0;
    }

    /** The text report: a summary line, then one indented line per fact. */
    static List<String> text(IpAddress a) {
        List<String> lines = new ArrayList<>();
        lines.add(a.toCanonicalString() + ": " + summary(a));
        row(lines, "family", a.family().label());
        row(lines, "canonical", a.toCanonicalString());
        row(lines, "expanded", a.toExpandedString());
        row(lines, "uri", a.toUriString());
        a.scope().ifPresent(scope -> row(lines, "scope", scope));
        String key = "class";
        for (AddressClass c : a.classes()) {
            row(lines, key, c.meaning());
            key = "";
        }
        a.embeddedIpv4().ifPresent(v4 -> {
            String k = "embeds";
            for (AddressClass c : v4.classes()) {
                row(lines, k, (k.isEmpty() ? "" : v4 + ": ") + c.meaning());
                k = "";
            }
        });
        row(lines, "reach", a.reach().meaning());
        row(lines, "global", a.isGlobal() ? "yes" : "no");
        return lines;
    }

    /**
     * One phrase: {@code IPv4, private}; {@code IPv6, link-local};
     * {@code IPv4-mapped IPv6, embeds 10.0.0.1 (private)}.
     */
    static String summary(IpAddress a) {
        Optional<IpAddress> embedded = a.embeddedIpv4();
        if (embedded.isPresent()) {
            return title(a.primaryClass()) + " IPv6, embeds " + embedded.get() + " (" + labels(embedded.get()) + ")";
        }
        return a.family().label() + ", " + labels(a);
    }

    private static String labels(IpAddress a) {
        return a.classes().stream().map(AddressClass::label).collect(Collectors.joining(", "));
    }

    private static String title(AddressClass c) {
        return switch (c) {
            case IPV4_MAPPED -> "IPv4-mapped";
            case IPV4_COMPATIBLE -> "IPv4-compatible";
            case NAT64 -> "NAT64";
            case TEREDO -> "Teredo";
            case SIX_TO_FOUR -> "6to4";
            default -> c.label();
        };
    }

    private static void row(List<String> lines, String key, String value) {
        lines.add(String.format("  %-10s %s", key, value));
    }
}
