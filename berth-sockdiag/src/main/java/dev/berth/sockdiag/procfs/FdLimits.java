package dev.berth.sockdiag.procfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * File descriptors system-wide ({@code fs.file-nr}, {@code fs.file-max}, {@code fs.nr_open}) and
 * for the processes that matter: the one asked about, or the ones closest to their limit.
 *
 * @param allocated file handles allocated system-wide, the first field of {@code fs.file-nr}; {@code null} when unknown
 * @param max {@code fs.file-max}, the system-wide cap; {@code null} when unknown
 * @param nrOpen {@code fs.nr_open}, the highest a process's limit can be raised to; {@code null} when unknown
 * @param processes the processes reported, highest share of their soft limit first
 */
public record FdLimits(Long allocated, Long max, Long nrOpen, List<ProcessFds> processes) {

    /** Nothing known. */
    public static final FdLimits UNKNOWN = new FdLimits(null, null, null, List.of());

    public FdLimits {
        processes = List.copyOf(processes);
    }

    /**
     * Reads the system figures and either process {@code pid} or the {@code top} processes with the
     * highest share of their soft limit.
     */
    public static FdLimits read(Procfs proc, OptionalLong pid, int top) throws IOException {
        Long allocated = null;
        Long max = null;
        String[] fileNr = proc.file("sys/fs/file-nr").map(s -> s.strip().split("\\s+")).orElse(new String[0]);
        if (fileNr.length == 3 && ProcText.isDecimal(fileNr[0], false) && ProcText.isDecimal(fileNr[2], false)) {
            allocated = ProcText.decimal(fileNr[0]);
            max = ProcText.decimal(fileNr[2]);
        }
        Long nrOpen = proc.file("sys/fs/nr_open").map(String::strip).filter(s -> ProcText.isDecimal(s, false))
                .map(ProcText::decimal).orElse(null);
        List<ProcessFds> processes = new ArrayList<>();
        if (pid.isPresent()) {
            ProcessFds.read(proc, pid.getAsLong()).ifPresent(processes::add);
        } else {
            for (long p : proc.processIds()) {
                ProcessFds.read(proc, p).filter(f -> f.softLimit() != null).ifPresent(processes::add);
            }
            processes.sort(Comparator.comparingDouble(ProcessFds::percent).reversed()
                    .thenComparingLong(f -> f.process().pid()));
            if (processes.size() > top) {
                processes = new ArrayList<>(processes.subList(0, top));
            }
        }
        return new FdLimits(allocated, max, nrOpen, processes);
    }
}
