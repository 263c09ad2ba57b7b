package dev.berth.sockdiag.procfs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The proc filesystem at a root path: {@code /proc} for the running system, a folder of fixture
 * files for tests. Network files come from {@code ROOT/net/} (the reader's own network namespace)
 * or, {@link #forPid for a process}, from {@code ROOT/PID/net/} (that process's namespace,
 * which is how a pod is inspected from its node). Sysctls always come from {@code ROOT/sys/}, which
 * shows the <em>reader's</em> namespace.
 *
 * <p>Missing files are {@link Optional#empty() empty}, not errors: the kernel may lack IPv6, and
 * processes come and go while they are read.
 */
public final class Procfs {

    private final Path root;
    private final long pid;

    private Procfs(Path root, long pid) {
        this.root = root;
        this.pid = pid;
    }

    /** {@code /proc}. */
    public static Procfs system() {
        return at(Path.of("/proc"));
    }

    /** A proc filesystem (or a fixture laid out like one) at {@code root}. */
    public static Procfs at(Path root) {
        return new Procfs(root, -1);
    }

    /** The same root, with the network files of process {@code pid}'s network namespace. */
    public Procfs forPid(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid + " (expected: > 0)");
        }
        return new Procfs(root, pid);
    }

    public Path root() {
        return root;
    }

    /** The process whose network namespace is read, if {@link #forPid} chose one. */
    public OptionalLong targetPid() {
        return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    private Path netDir() {
        return pid > 0 ? root.resolve(Long.toString(pid)).resolve("net") : root.resolve("net");
    }

    /** A file of the network directory: {@code tcp}, {@code tcp6}, {@code udp}, {@code udp6}, {@code netstat}, {@code snmp}. */
    public Optional<String> net(String name) throws IOException {
        return read(netDir().resolve(name));
    }

    /**
     * Reads a file of the network directory line by line, without holding it whole: a TCP
     * table of a busy host is megabytes. False when the file does not exist.
     */
    public boolean netLines(String name, Consumer<String> line) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(netDir().resolve(name), StandardCharsets.UTF_8)) {
            String l;
            while ((l = r.readLine()) != null) {
                line.accept(l);
            }
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** A sysctl by its dotted name, {@code net.ipv4.tcp_tw_reuse}, stripped. */
    public Optional<String> sysctl(String dottedName) throws IOException {
        return read(root.resolve("sys").resolve(dottedName.replace('.', '/'))).map(String::strip);
    }

    /** A file under the root, {@code sys/fs/file-nr}. */
    public Optional<String> file(String relative) throws IOException {
        return read(root.resolve(relative));
    }

    /** A file of a process's directory: {@code comm}, {@code cmdline}, {@code limits}; empty when gone or unreadable. */
    public Optional<String> processFile(long processId, String name) {
        try {
            return read(root.resolve(Long.toString(processId)).resolve(name));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** True when there is a directory for {@code processId}. */
    public boolean hasProcess(long processId) {
        return Files.isDirectory(root.resolve(Long.toString(processId)));
    }

    /** The ids of every process directory, in no particular order. */
    public List<Long> processIds() throws IOException {
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path p : dirs) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.length() < 19 && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    ids.add(Long.parseLong(name));
                }
            }
        }
        return ids;
    }

    /**
     * What each of a process's file descriptors points at ({@code socket:[1234]}, {@code /dev/null});
     * empty when the process is gone, or {@code null} when its descriptors cannot be read (another
     * user's process without privileges).
     */
    public List<String> fdTargets(long processId) {
        Path dir = root.resolve(Long.toString(processId)).resolve("fd");
        List<String> targets = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir)) {
            for (Path fd : fds) {
                try {
                    targets.add(Files.isSymbolicLink(fd) ? Files.readSymbolicLink(fd).toString() : Files.readString(fd).strip());
                } catch (IOException e) {
                    // closed while we looked
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return null;
        }
        return targets;
    }

    /** How many descriptors a process has open; empty when that cannot be read. */
    public OptionalInt fdCount(long processId) {
        Path dir = root.resolve(Long.toString(processId)).resolve("fd");
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir)) {
            for (Path ignored : fds) {
                n++;
            }
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(n);
    }

    /**
     * The network namespace of a process ({@code net:[4026531840]}), or of the reader with
     * {@code self}; empty when it cannot be read.
     */
    public Optional<String> netNamespace(String processId) {
        Path link = root.resolve(processId).resolve("ns").resolve("net");
        try {
            return Optional.of(Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).toString() : Files.readString(link).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads a whole file in large reads. Not {@link Files#readAllBytes}: procfs files report size
     * 0, so it reads one byte and then asks again at offset 1, and a sysctl answers a read at a
     * non-zero offset with end of file: {@code tcp_fin_timeout} would read as {@code "6"}.
     */
    private static Optional<String> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return pid > 0 ? root + " (network namespace of pid " + pid + ")" : root.toString();
    }
}
