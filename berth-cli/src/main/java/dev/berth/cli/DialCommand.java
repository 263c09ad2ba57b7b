package dev.berth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.dial.AttemptRecord;
import dev.berth.dial.BlockingDialer;
import dev.berth.dial.DialException;
import dev.berth.dial.DialListener;
import dev.berth.dial.DialOptions;
import dev.berth.dial.DialTimeline;
import dev.berth.dial.Family;
import dev.berth.dial.ResolutionRecord;
import dev.berth.dial.Resolver;
import dev.berth.dial.SystemResolver;
import dev.berth.server.listen.SocketAddresses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;

/** {@code berth dial HOST PORT}: a dual-stack connect (RFC 8305 Happy Eyeballs) with a timeline of every attempt. */
@Command(
        name = "dial",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Connects to HOST:PORT the way RFC 8305 (Happy Eyeballs) says: resolves IPv6 and IPv4 at once,",
            "tries addresses in interleaved order, starts the next attempt after --attempt-delay or as soon",
            "as one fails, keeps the first connection and closes the rest. Prints every attempt.",
            "Exit status: 0 connected, 1 not connected, 2 bad usage."
        })
final class DialCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST", description = "Name or IP address (names resolve through the system: /etc/hosts, then DNS).")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", converter = Converters.Port.class, description = "TCP port, 1-65535.")
    int port;

    @Option(names = "--attempt-delay", paramLabel = "DUR", defaultValue = "250ms", converter = AttemptDelayConverter.class,
            description = "Start the next attempt this long after the previous one (10ms-2s; default: ${DEFAULT-VALUE}).")
    Duration attemptDelay;

    @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "10s", converter = Converters.DurationValue.class,
            description = "Overall deadline, resolution included (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--prefer", paramLabel = "FAMILY", defaultValue = "ipv6", converter = PreferConverter.class,
            description = "Family tried first: ipv6 or ipv4 (default: ${DEFAULT-VALUE}).")
    Family prefer;

    @Option(names = "--family", paramLabel = "FAMILY", defaultValue = "any", converter = FamilyFilterConverter.class,
            description = "Families to use: any, ipv4 or ipv6 (default: ${DEFAULT-VALUE}).")
    EnumSet<Family> families;

    @Option(names = "--send", paramLabel = "TEXT", description = "After connecting, send TEXT plus a newline and print the first line of the reply.")
    String send;

    @Option(names = "--json", description = "Print one JSON object instead of the timeline.")
    boolean json;

    /** The resolver; tests replace it. */
    Resolver resolver = SystemResolver.INSTANCE;

    DialOptions options() {
        try {
            return DialOptions.defaults().withAttemptDelay(attemptDelay).withTimeout(timeout).withPreferred(prefer)
                    .withFamilies(families);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() {
        DialOptions options = options();
        PrintWriter out = spec.commandLine().getOut();
        DialTimeline timeline = new DialTimeline();
        String target = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String reply = null;
        String sendError = null;
        try (SocketChannel ch = new BlockingDialer(resolver, options, DialListener.of(timeline)).dial(target, port)) {
            if (send != null) {
                try {
                    reply = exchange(ch, send, timeout);
                } catch (IOException e) {
                    sendError = e instanceof SocketTimeoutException ? "no reply line within " + timeout.toMillis() + " ms"
                            : String.valueOf(e.getMessage());
                }
            }
        } catch (DialException e) {
            // reported from the timeline below
        } catch (IOException e) {
            throw new CommandFailedException("dial " + host + ":" + port + ": " + e.getMessage(), 1);
        }
        if (json) {
            out.println(toJson(timeline, reply, sendError));
        } else {
            printTimeline(out, timeline, reply, sendError);
        }
        out.flush();
        return timeline.winner() != null ? 0 : 1;
    }

    private static String exchange(SocketChannel ch, String text, Duration timeout) throws IOException {
        Socket socket = ch.socket();
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
        String line = in.readLine();
        return line == null ? "" : line;
    }

    private void printTimeline(PrintWriter out, DialTimeline t, String reply, String sendError) {
        out.println("dial " + (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port);
        for (ResolutionRecord r : t.resolutions()) {
            if (r.outcome() == ResolutionRecord.Outcome.SKIPPED) {
                continue;
            }
            String answer = !r.addresses().isEmpty() ? String.join(", ", r.addresses().stream().map(SocketAddresses::ip).toList())
                    : r.error() != null ? r.error()
                    : r.outcome() == ResolutionRecord.Outcome.ABANDONED ? "no answer yet (not needed)" : r.outcome().name();
            out.printf("  %7s  resolve %s: %s%n", r.elapsed() == null ? "" : "+" + r.elapsed().toMillis() + " ms",
                    r.family().displayName(), answer);
        }
        for (AttemptRecord a : t.attempts()) {
            String what = switch (a.outcome()) {
                case CONNECTED -> "connected in " + a.duration().toMillis() + " ms  <- winner";
                case CANCELLED -> "cancelled after " + a.duration().toMillis() + " ms (another attempt won)";
                case TIMEOUT -> "no answer after " + a.duration().toMillis() + " ms (deadline)";
                default -> a.outcome().label() + " after " + a.duration().toMillis() + " ms"
                        + (a.error() == null ? "" : ": " + a.error());
            };
            out.printf("  %7s  %-4s %-28s %s%n", "+" + a.start().toMillis() + " ms", a.family().displayName(),
                    SocketAddresses.format(a.address()), what);
        }
        AttemptRecord w = t.winner();
        if (w != null) {
            out.printf("connected to %s (%s) in %d ms%n", SocketAddresses.format(w.address()), w.family().displayName(),
                    t.elapsed().toMillis());
            if (reply != null) {
                out.println("reply: " + reply);
            } else if (sendError != null) {
                out.println("reply: none (" + sendError + ")");
            }
        } else {
            DialException e = t.failure();
            out.println("not connected: " + describe(e) + " after " + t.elapsed().toMillis() + " ms");
        }
    }

    private static String describe(DialException e) {
        return switch (e.kind()) {
            case NO_ADDRESSES -> "no addresses";
            case ALL_ATTEMPTS_FAILED -> "every attempt failed";
            case DEADLINE_EXCEEDED -> "deadline exceeded";
        };
    }

    private String toJson(DialTimeline t, String reply, String sendError) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        AttemptRecord w = t.winner();
        root.put("connected", w != null);
        root.put("host", host);
        root.put("port", port);
        if (w != null) {
            root.put("address", SocketAddresses.ip(w.address()));
            root.put("family", w.family().label());
        } else {
            root.putNull("address");
            root.putNull("family");
            root.put("error", t.failure().kind().name().toLowerCase(Locale.ROOT));
            root.put("message", t.failure().getMessage());
        }
        root.put("elapsed_ms", t.elapsed().toMillis());
        ArrayNode resolutions = root.putArray("resolutions");
        for (ResolutionRecord r : t.resolutions()) {
            ObjectNode n = resolutions.addObject();
            n.put("family", r.family().label());
            n.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
            if (r.elapsed() == null) {
                n.putNull("at_ms");
            } else {
                n.put("at_ms", r.elapsed().toMillis());
            }
            ArrayNode addrs = n.putArray("addresses");
            r.addresses().forEach(a -> addrs.add(SocketAddresses.ip(a)));
            n.put("error", r.error());
        }
        ArrayNode attempts = root.putArray("attempts");
        for (AttemptRecord a : t.attempts()) {
            ObjectNode n = attempts.addObject();
            n.put("address", SocketAddresses.ip(a.address()));
            n.put("family", a.family().label());
            n.put("start_ms", a.start().toMillis());
            n.put("end_ms", a.end().toMillis());
            n.put("outcome", a.outcome().label());
            n.put("error", a.error());
        }
        if (send != null) {
            root.put("reply", reply);
            if (sendError != null) {
                root.put("reply_error", sendError);
            }
        }
        return root.toString();
    }

    static final class AttemptDelayConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = new Converters.DurationValue().convert(value);
            if (d.compareTo(DialOptions.MIN_ATTEMPT_DELAY) < 0 || d.compareTo(DialOptions.MAX_ATTEMPT_DELAY) > 0) {
                throw new TypeConversionException(value + ": expected 10ms-2s (RFC 8305 section 5)");
            }
            return d;
        }
    }

    static final class PreferConverter implements ITypeConverter<Family> {
        @Override
        public Family convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "ipv6", "6" -> Family.IPV6;
                case "ipv4", "4" -> Family.IPV4;
                default -> throw new TypeConversionException(value + ": expected ipv6 or ipv4");
            };
        }
    }

    static final class FamilyFilterConverter implements ITypeConverter<EnumSet<Family>> {
        @Override
        public EnumSet<Family> convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "any" -> EnumSet.allOf(Family.class);
                case "ipv6", "6" -> EnumSet.of(Family.IPV6);
                case "ipv4", "4" -> EnumSet.of(Family.IPV4);
                default -> throw new TypeConversionException(value + ": expected any, ipv4 or ipv6");
            };
        }
    }
}
