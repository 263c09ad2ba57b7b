package dev.berth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Bad usage: one line on standard error naming the command, the option and the bad value
 * ({@code berth echo: --port 99999: expected 0-65535}; for a positional value, the value alone:
 * {@code berth ip info: 999.1.1.1: not an IP address (part 999 is over 255)}), exit status 2, no
 * stack trace.
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
        if (e.getCause() instanceof TypeConversionException conversion && e.getArgSpec() instanceof PositionalParamSpec) {
            return conversion.getMessage();
        }
        String message = e.getMessage();
        String hint = " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')";
        return message + hint;
    }
}
