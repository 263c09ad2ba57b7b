package dev.berth.cli;

import dev.berth.sockdiag.Snapshot;
import dev.berth.sockdiag.SnapshotReader;
import dev.berth.sockdiag.SocketsAnalyzer;
import dev.berth.sockdiag.SocketsReport;
import dev.berth.sockdiag.format.DiagJson;
import dev.berth.sockdiag.format.DiagText;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code berth diag sockets}: socket states, ephemeral-port pressure, TIME_WAIT, kernel settings, counters, descriptors. */
@Command(
        name = "sockets",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Counts sockets by state; finds the destinations with the most TIME_WAIT and ESTABLISHED;",
            "measures ephemeral-port use per (source IP, destination IP, destination port) against the",
            "usable range (warning at 70%, critical at 90%); spots bind-before-connect; explains the",
            "kernel settings and trouble counters that matter; checks descriptor limits. With --watch,",
            "reads again every DUR (--count times) and reports rates: TIME_WAIT created per second and",
            "the tuples that churn needs per destination."
        })
final class DiagSocketsCommand implements Callable<Integer> {

    /** Most processes listed by descriptor use when no --pid is given. */
    static final int FD_TOP = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    DiagTarget target = new DiagTarget();

    @Option(names = "--json", description = "One JSON object per report, one per line (fields in the README).")
    boolean json;

    @Option(names = "--watch", paramLabel = "DUR", converter = WatchInterval.class,
            description = "Read again after DUR (100ms-60s) and report rates over it.")
    Duration watch;

    @Option(names = "--count", paramLabel = "N", converter = Count.class,
            description = "With --watch: how many reports (1-1000; default: 3). It never runs unbounded.")
    Integer count;

    /** How the watch loop waits; tests replace it. */
    Pause pause = d -> Thread.sleep(d);

    /** The clock; tests replace it. */
    Supplier<Instant> clock = Instant::now;

    /** Waits between two reads. */
    @FunctionalInterface
    interface Pause {
        void sleep(Duration d) throws InterruptedException;
    }

    /** How many reports: 1 without --watch. */
    int reports() {
        if (count != null && watch == null) {
            throw new ParameterException(spec.commandLine(), "--count needs --watch");
        }
        return watch == null ? 1 : count == null ? 3 : count;
    }

    @Override
    public Integer call() throws InterruptedException {
        int reports = reports();
        SnapshotReader reader = target.reader(SnapshotReader.LISTENERS_AND_CLOSE_WAIT, FD_TOP);
        PrintWriter out = spec.commandLine().getOut();
        Snapshot previous = DiagTarget.read(reader, clock.get());
        if (watch == null) {
            print(out, SocketsAnalyzer.analyze(previous));
            return 0;
        }
        for (int i = 0; i < reports; i++) {
            pause.sleep(watch);
            Snapshot current = DiagTarget.read(reader, clock.get());
            if (i > 0 && !json) {
                out.println();
            }
            print(out, SocketsAnalyzer.analyze(current, previous));
            previous = current;
        }
        return 0;
    }

    private void print(PrintWriter out, SocketsReport report) {
        if (json) {
            out.println(DiagJson.sockets(report));
        } else {
            DiagText.sockets(report).forEach(out::println);
        }
        out.flush();
    }

    static final class WatchInterval implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = new Converters.DurationValue().convert(value);
            if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new TypeConversionException(value + ": expected 100ms-60s (TIME_WAIT lasts 60 s, so a longer"
                        + " interval would miss some)");
            }
            return d;
        }
    }

    static final class Count implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value.strip());
                if (n >= 1 && n <= 1000) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new TypeConversionException(value + ": expected 1-1000");
        }
    }
}
