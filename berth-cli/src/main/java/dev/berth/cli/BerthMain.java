package dev.berth.cli;

import dev.berth.server.logging.Logging;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code berth} program. */
public final class BerthMain {

    private BerthMain() {}

    public static void main(String[] args) {
        int status = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        Logging.shutdown();
        System.exit(status);
    }

    /** Runs one command line and returns its exit status: 0 ok, 1 runtime failure, 2 bad usage. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return newCommandLine(out, err).execute(args);
    }

    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new BerthCommand());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler(new UsageErrors());
        cmd.setExecutionExceptionHandler(new RuntimeErrors());
        return cmd;
    }
}
