package dev.berth.sockdiag.procfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which processes hold which sockets, found the way {@code ss -p} and {@code lsof} find them: a
 * socket's inode appears as the link {@code socket:[INODE]} among {@code /proc/PID/fd/*}. Several
 * processes may share one socket (a forked server); all are listed, lowest pid first.
 *
 * @param byInode the processes holding each socket inode that was asked about and found
 * @param uninspectable how many processes' descriptors could not be read (other users' processes without privileges)
 */
public record SocketOwners(Map<Long, List<ProcessRef>> byInode, int uninspectable) {

    /** Nobody known. */
    public static final SocketOwners NONE = new SocketOwners(Map.of(), 0);

    public SocketOwners {
        byInode = Map.copyOf(byInode);
    }

    /** The processes holding {@code inode}; empty when none was found (or the inode is 0). */
    public List<ProcessRef> of(long inode) {
        return byInode.getOrDefault(inode, List.of());
    }

    /** Scans every process for the sockets in {@code inodes}. */
    public static SocketOwners scan(Procfs proc, Collection<Long> inodes) throws IOException {
        Set<Long> wanted = new HashSet<>(inodes);
        wanted.remove(0L);
        if (wanted.isEmpty()) {
            return NONE;
        }
        Map<Long, List<ProcessRef>> found = new HashMap<>();
        int uninspectable = 0;
        List<Long> pids = proc.processIds();
        pids.sort(null);
        for (long pid : pids) {
            List<String> targets = proc.fdTargets(pid);
            if (targets == null) {
                uninspectable++;
                continue;
            }
            ProcessRef ref = null;
            Set<Long> seen = new HashSet<>();
            for (String target : targets) {
                long inode = socketInode(target);
                if (inode > 0 && wanted.contains(inode) && seen.add(inode)) {
                    if (ref == null) {
                        ref = describe(proc, pid);
                    }
                    found.computeIfAbsent(inode, k -> new ArrayList<>()).add(ref);
                }
            }
        }
        Map<Long, List<ProcessRef>> frozen = new HashMap<>();
        found.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new SocketOwners(frozen, uninspectable);
    }

    /** The inode of a {@code socket:[1234]} link target, or -1. */
    static long socketInode(String target) {
        if (!target.startsWith("socket:[") || !target.endsWith("]")) {
            return -1;
        }
        String digits = target.substring(8, target.length() - 1);
        return ProcText.isDecimal(digits, false) && digits.length() < 19 ? Long.parseLong(digits) : -1;
    }

    /** The process's name and command line, as far as they can be read. */
    public static ProcessRef describe(Procfs proc, long pid) {
        String comm = proc.processFile(pid, "comm").map(String::strip).orElse("?");
        String cmdline = proc.processFile(pid, "cmdline").map(s -> s.replace('\0', ' ').strip()).orElse("");
        if (cmdline.length() > 200) {
            cmdline = cmdline.substring(0, 197) + "...";
        }
        return new ProcessRef(pid, comm, cmdline);
    }
}
