package dev.berth.server.logging;

import java.nio.file.Files;
import java.nio.file.Path;

/** How log records are written: readable text or one JSON object per line. */
public enum LogFormat {
    /** Text when standard error is a terminal, JSON otherwise (as Caddy does). */
    AUTO,
    JSON,
    TEXT;

    /** Resolves {@link #AUTO} against where standard error goes. */
    public LogFormat resolve() {
        if (this != AUTO) {
            return this;
        }
        return stderrIsTerminal() ? TEXT : JSON;
    }

    private static boolean stderrIsTerminal() {
        // Linux: fd 2 links to /dev/pts/N or /dev/ttyN when it is a terminal.
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            var console = System.console();
            return console != null && console.isTerminal();
        }
    }
}
