package dev.berth.cli;

import dev.berth.sockdiag.Snapshot;
import dev.berth.sockdiag.SnapshotReader;
import dev.berth.sockdiag.inetdiag.InetDiag;
import dev.berth.sockdiag.inetdiag.SocketDetails;
import dev.berth.sockdiag.procfs.Procfs;
import dev.berth.sockdiag.procfs.SocketEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The options every {@code berth diag} command shares: which network namespace to read
 * ({@code --pid}), and, hidden, a fixture directory to read instead of {@code /proc}.
 */
final class DiagTarget {

    @Option(names = "--pid", paramLabel = "PID", converter = Converters.PositiveLong.class,
            description = "Read the network namespace of process PID (/proc/PID/net/...), e.g. a process in a pod.")
    Long pid;

    /** A directory laid out like /proc, for tests and for reports from another machine's files. */
    @Option(names = "--proc-root", paramLabel = "DIR", hidden = true)
    Path procRoot;

    /** The procfs to read, checked. */
    Procfs procfs() {
        Procfs proc = procRoot == null ? Procfs.system() : Procfs.at(procRoot);
        if (procRoot != null && !proc.root().toFile().isDirectory()) {
            throw new CommandFailedException("--proc-root " + procRoot + ": not a directory", 2);
        }
        if (pid != null) {
            if (!proc.hasProcess(pid)) {
                throw new CommandFailedException("--pid " + pid + ": no such process", 2);
            }
            proc = proc.forPid(pid);
        }
        return proc;
    }

    /** Listener details from the kernel when it answers for the namespace being read, else why not. */
    Supplier<SocketDetails> details(Procfs proc) {
        if (procRoot != null) {
            return () -> SocketDetails.unavailable("reading files under " + procRoot + ", not the live kernel");
        }
        if (pid != null) {
            Optional<String> mine = proc.netNamespace("self");
            Optional<String> theirs = proc.netNamespace(Long.toString(pid));
            if (mine.isEmpty() || theirs.isEmpty() || !mine.equals(theirs)) {
                String where = theirs.map(ns -> "another network namespace (" + ns + ")").orElse("a network namespace"
                        + " this process cannot identify");
                return () -> SocketDetails.unavailable("pid " + pid + " is in " + where + "; only a process inside it"
                        + " can ask the kernel (nsenter -t " + pid + " -n berth diag ...)");
            }
        }
        return InetDiag::listeners;
    }

    SnapshotReader reader(Predicate<SocketEntry> ownersOf, int fdTop) {
        Procfs proc = procfs();
        return new SnapshotReader(proc, ByteOrder.nativeOrder(), details(proc), ownersOf, fdTop);
    }

    static Snapshot read(SnapshotReader reader, Instant now) {
        try {
            return reader.read(now);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + reader.proc() + ": " + e.getMessage(), 1);
        }
    }
}
