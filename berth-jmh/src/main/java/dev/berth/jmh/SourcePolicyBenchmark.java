package dev.berth.jmh;

import dev.berth.ip.IpAddress;
import dev.berth.ip.Prefix;
import dev.berth.proxy.config.PolicyConfig;
import dev.berth.proxy.config.PolicyConfig.Action;
import dev.berth.proxy.policy.PolicyVerdict;
import dev.berth.proxy.policy.SourcePolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SourcePolicy#decide(InetAddress)}, the call the listener's policy handler makes once
 * per accepted connection, over 1,024 client addresses (cycled). {@code small} is the product
 * brief's example (allow 127.0.0.0/8, ::1/128, 10.0.0.0/8, deny 10.9.0.0/16; default deny);
 * {@code 1000} is 1,000 random prefixes of the client's family (IPv4 /8–/32 or IPv6 /16–/64),
 * allow and deny alternating, default deny. Half of the clients fall inside a prefix of the
 * policy, half are random addresses (mostly the default).
 */
@State(Scope.Thread)
public class SourcePolicyBenchmark extends BenchmarkDefaults {

    private static final int CLIENTS = 1024;

    @Param({"ipv4", "ipv6"})
    public String family;

    @Param({"small", "1000"})
    public String prefixes;

    private SourcePolicy policy;
    private InetAddress[] clients;
    private int next;

    @Setup
    public void setUp() throws UnknownHostException {
        SplittableRandom random = new SplittableRandom(11);
        boolean v4 = family.equals("ipv4");
        int bytes = v4 ? 4 : 16;
        List<Prefix> allow = new ArrayList<>();
        List<Prefix> deny = new ArrayList<>();
        if (prefixes.equals("small")) {
            for (String p : List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8")) {
                allow.add(Prefix.parse(p));
            }
            deny.add(Prefix.parse("10.9.0.0/16"));
        } else {
            for (int i = 0; i < 1000; i++) {
                int length = v4 ? random.nextInt(8, 33) : random.nextInt(16, 65);
                Prefix p = Prefix.containing(IpAddress.ofBytes(randomBytes(random, bytes)), length);
                (i % 2 == 0 ? allow : deny).add(p);
            }
        }
        policy = SourcePolicy.of(new PolicyConfig(Action.DENY, allow, deny, false));
        List<Prefix> all = new ArrayList<>(allow);
        all.addAll(deny);
        all.removeIf(p -> p.network().toBytes().length != bytes);
        clients = new InetAddress[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            byte[] b = randomBytes(random, bytes);
            if (i % 2 == 0 && !all.isEmpty()) {
                b = inside(all.get(random.nextInt(all.size())), b);
            }
            clients[i] = InetAddress.getByAddress(b);
        }
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** {@code host}'s bytes with the prefix's network bits put in front. */
    private static byte[] inside(Prefix p, byte[] host) {
        byte[] net = p.network().toBytes();
        byte[] out = host.clone();
        for (int bit = 0; bit < p.length(); bit++) {
            int mask = 0x80 >>> (bit & 7);
            out[bit >> 3] = (byte) ((out[bit >> 3] & ~mask) | (net[bit >> 3] & mask));
        }
        return out;
    }

    @Benchmark
    public PolicyVerdict decide() {
        return policy.decide(clients[next++ & (CLIENTS - 1)]);
    }
}
