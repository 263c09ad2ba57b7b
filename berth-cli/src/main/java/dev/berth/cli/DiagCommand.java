package dev.berth.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code berth diag}: socket states, port pressure and listening exposure of a Linux network namespace; everything happens in a subcommand. */
@Command(
        name = "diag",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Linux socket diagnostics from /proc: TIME_WAIT and ephemeral-port pressure per destination,",
            "kernel settings and trouble counters (sockets); listening sockets audited for exposure",
            "(listeners); one port's users and what binding it would do (port)."
        },
        subcommands = {DiagSocketsCommand.class, DiagListenersCommand.class, DiagPortCommand.class},
        footer = {"", "Exit status: 0 success, 1 runtime failure (listeners: a finding at --fail-on or above), 2 bad usage."})
final class DiagCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
