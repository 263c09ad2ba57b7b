package dev.berth.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * A command failed while running. Failures Berth understands are thrown as
 * {@link CommandFailedException} and print one line; anything else is a bug and prints its
 * stack trace so it can be reported. Exit status 1 either way.
 */
final class RuntimeErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
        String name = cmd.getCommandSpec().qualifiedName();
        if (e instanceof CommandFailedException failed) {
            cmd.getErr().println(name + ": " + failed.getMessage());
            cmd.getErr().flush();
            return failed.status();
        }
        cmd.getErr().println(name + ": internal error (please report): " + e);
        e.printStackTrace(cmd.getErr());
        cmd.getErr().flush();
        return CommandLine.ExitCode.SOFTWARE;
    }
}
