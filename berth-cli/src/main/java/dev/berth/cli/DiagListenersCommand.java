package dev.berth.cli;

import dev.berth.sockdiag.ListenerAudit;
import dev.berth.sockdiag.ListenersReport;
import dev.berth.sockdiag.Severity;
import dev.berth.sockdiag.SnapshotReader;
import dev.berth.sockdiag.format.DiagJson;
import dev.berth.sockdiag.format.DiagText;
import dev.berth.sockdiag.procfs.SocketEntry;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code berth diag listeners}: every listening socket, its bind class, its process and how exposed it is. */
@Command(
        name = "listeners",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Lists every listening TCP socket and unconnected UDP socket with its bind class (wildcard",
            "IPv4, dual-stack wildcard, IPv6-only wildcard, loopback, link-local, specific), the process",
            "that holds it, and a severity: a database or admin port (27017, 6379, 5432, 3306, 9200,",
            "11211, 2379, 2375, 10250, ...) on a wildcard is HIGH, on a specific address MEDIUM, on",
            "loopback INFO."
        })
final class DiagListenersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DiagTarget target = new DiagTarget();

    @Option(names = "--json", description = "One JSON object instead of the table (fields in the README).")
    boolean json;

    @Option(names = "--fail-on", paramLabel = "LEVEL", converter = FailOn.class,
            description = "Exit 1 when a listener is at LEVEL or above: high or medium.")
    Severity failOn;

    @Override
    public Integer call() {
        SnapshotReader reader = target.reader(SocketEntry::isListening, 0);
        ListenersReport report = ListenerAudit.audit(DiagTarget.read(reader, Instant.now()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(DiagJson.listeners(report, failOn));
        } else {
            DiagText.listeners(report).forEach(out::println);
        }
        out.flush();
        if (failOn != null && report.has(failOn)) {
            if (!json) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": a listener at " + failOn.label()
                        + " or above (--fail-on " + failOn.label() + ")");
                spec.commandLine().getErr().flush();
            }
            return 1;
        }
        return 0;
    }

    static final class FailOn implements ITypeConverter<Severity> {
        @Override
        public Severity convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "high" -> Severity.HIGH;
                case "medium" -> Severity.MEDIUM;
                default -> throw new TypeConversionException(value + ": expected high or medium");
            };
        }
    }
}
