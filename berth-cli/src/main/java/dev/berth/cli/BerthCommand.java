package dev.berth.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** {@code berth}: the top-level command; everything happens in a subcommand. */
@Command(
        name = "berth",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "IP-and-port plumbing for cloud-native services.",
        subcommands = {ProxyCommand.class, EchoCommand.class, DialCommand.class, IpCommand.class, DiagCommand.class, DemoCommand.class, HelpCommand.class},
        footer = {"", "Exit status: 0 success, 1 runtime failure, 2 bad usage or configuration.",
            "Run 'berth help COMMAND' for a command's options."})
public final class BerthCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
