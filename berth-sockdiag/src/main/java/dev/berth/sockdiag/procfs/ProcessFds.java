package dev.berth.sockdiag.procfs;

import java.util.Optional;

/**
 * A process's open file descriptors against its {@code RLIMIT_NOFILE}. Every socket is a
 * descriptor: at the soft limit, {@code accept()} and {@code connect()} fail with EMFILE
 * ("Too many open files").
 *
 * @param process the process
 * @param open descriptors open now
 * @param softLimit the soft limit ({@code ulimit -n}, systemd {@code LimitNOFILE}); {@code null} when unlimited or unknown
 * @param hardLimit the hard limit, up to which the process may raise its soft limit; {@code null} when unlimited or unknown
 */
public record ProcessFds(ProcessRef process, int open, Long softLimit, Long hardLimit) {

    /** Percentage of the soft limit in use, 0-100 (more if over); 0 when there is no limit. */
    public double percent() {
        return softLimit == null || softLimit <= 0 ? 0 : 100.0 * open / softLimit;
    }

    /** Reads one process; empty when it is gone or its descriptors cannot be counted. */
    public static Optional<ProcessFds> read(Procfs proc, long pid) {
        var open = proc.fdCount(pid);
        if (open.isEmpty()) {
            return Optional.empty();
        }
        Long[] limits = proc.processFile(pid, "limits").map(ProcessFds::openFileLimits).orElse(new Long[] {null, null});
        return Optional.of(new ProcessFds(SocketOwners.describe(proc, pid), open.getAsInt(), limits[0], limits[1]));
    }

    /**
     * The soft and hard limit from the {@code Max open files} line of {@code /proc/PID/limits}
     * ({@code Max open files  1024  524288  files}); {@code null} for {@code unlimited} or a missing line.
     */
    static Long[] openFileLimits(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).strip().split("\\s+");
                if (f.length >= 2) {
                    return new Long[] {limit(f[0]), limit(f[1])};
                }
            }
        }
        return new Long[] {null, null};
    }

    private static Long limit(String s) {
        return ProcText.isDecimal(s, false) && s.length() < 19 ? Long.valueOf(s) : null;
    }
}
