package dev.berth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Bad usage: one line on standard error naming the command, the option and the bad value
 * ({@code berth echo: --port 99999: expected 0-65535}), exit status 2, no stack trace.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + describe(e));
        cmd.getErr().flush();
        return CommandLine.ExitCode.USAGE;
    }

    static String describe(ParameterException e) {
        if (e.getCause() instanceof TypeConversionException conversion && e.getArgSpec() instanceof OptionSpec option) {
            return option.longestName() + " " + conversion.getMessage();
        }
        String message = e.getMessage();
        String hint = " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')";
        return message + hint;
    }
}
