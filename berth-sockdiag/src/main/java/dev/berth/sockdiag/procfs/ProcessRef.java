package dev.berth.sockdiag.procfs;

/**
 * A process that holds a socket.
 *
 * @param pid the process id
 * @param command its name ({@code /proc/PID/comm}), e.g. {@code java}
 * @param commandLine its arguments joined by spaces ({@code /proc/PID/cmdline}), cut at 200 characters; empty for kernel threads
 */
public record ProcessRef(long pid, String command, String commandLine) {

    /** {@code 1234/java}, as {@code netstat -p} writes it. */
    @Override
    public String toString() {
        return pid + "/" + command;
    }
}
