package dev.berth.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code berth ip}: addresses and prefixes, and whether this host can do IPv6; everything happens in a subcommand. */
@Command(
        name = "ip",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "IP addresses and prefixes: expand, compress, classify, check CIDR membership;",
            "and whether this host can do IPv6. Addresses are never looked up in DNS."
        },
        subcommands = {IpExpandCommand.class, IpCompressCommand.class, IpInfoCommand.class, IpContainsCommand.class,
            IpProbeCommand.class},
        footer = {"", "Exit status: 0 success (contains: inside), 1 contains: not inside, 2 bad usage or a bad address."})
final class IpCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
