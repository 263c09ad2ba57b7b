package dev.berth.cli;

import dev.berth.sockdiag.PortAnalyzer;
import dev.berth.sockdiag.PortReport;
import dev.berth.sockdiag.SnapshotReader;
import dev.berth.sockdiag.format.DiagJson;
import dev.berth.sockdiag.format.DiagText;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth diag port PORT}: who listens on a port, where it lies, and what binding it would do. */
@Command(
        name = "port",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Shows who listens on PORT (TCP and UDP, both families) and with which process, which other",
            "sockets use it, whether it lies inside the ephemeral range or is reserved or privileged,",
            "and what bind() on 0.0.0.0, 127.0.0.1, [::] (dual-stack and IPv6-only) and ::1 would do."
        })
final class DiagPortCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DiagTarget target = new DiagTarget();

    @Parameters(index = "0", paramLabel = "PORT", converter = Converters.Port.class, description = "The port, 1-65535.")
    int port;

    @Option(names = "--json", description = "One JSON object instead of text (fields in the README).")
    boolean json;

    @Override
    public Integer call() {
        SnapshotReader reader = target.reader(s -> s.localPort() == port, 0);
        PortReport report = PortAnalyzer.analyze(DiagTarget.read(reader, Instant.now()), port);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(DiagJson.port(report));
        } else {
            DiagText.port(report).forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
