package dev.berth.cli;

import dev.berth.server.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code berth --version}: Berth's version, the Java running it and the transport it will use. */
public final class VersionProvider implements IVersionProvider {

    /** The version the jar was built as. */
    public static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("/berth-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        Transport t = Transport.best();
        String reason = t.unavailabilityReason();
        String transport = t == Transport.NIO && reason != null ? "nio (" + reason + ")" : t.label();
        return new String[] {
            "berth " + version(),
            "java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + "), transport " + transport
        };
    }
}
