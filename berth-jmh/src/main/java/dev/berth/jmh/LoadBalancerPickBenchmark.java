package dev.berth.jmh;

import dev.berth.proxy.config.ClusterConfig.LbPolicy;
import dev.berth.proxy.loadbalancer.Endpoint;
import dev.berth.proxy.loadbalancer.LoadBalancer;
import dev.berth.proxy.loadbalancer.LoadBalancers;
import dev.berth.proxy.loadbalancer.PickContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * {@link LoadBalancer#pick} as the accept path calls it: a fresh connection from one of 1,024
 * client addresses (cycled, so ring hash does not hit one ring point every time), nothing
 * excluded, over 3 or 100 endpoints of weight 1 whose active-connection counts differ (least
 * connections compares them). Balancers come from {@link LoadBalancers#create(LbPolicy, List)},
 * the factory the cluster uses, with {@code ThreadLocalRandom} draws.
 */
@State(Scope.Thread)
public class LoadBalancerPickBenchmark extends BenchmarkDefaults {

    private static final int CLIENTS = 1024; // a power of two: the index wraps with a mask

    @Param({"ROUND_ROBIN", "LEAST_CONNECTIONS", "RANDOM", "RING_HASH"})
    public LbPolicy policy;

    @Param({"3", "100"})
    public int endpoints;

    private LoadBalancer balancer;
    private PickContext[] contexts;
    private int next;

    /** A fixed endpoint: address, weight 1, a constant active-connection count. */
    record FixedEndpoint(InetSocketAddress address, int weight, int activeConnections) implements Endpoint {}

    @Setup
    public void setUp() throws UnknownHostException {
        SplittableRandom random = new SplittableRandom(7);
        List<Endpoint> snapshot = new ArrayList<>(endpoints);
        for (int i = 0; i < endpoints; i++) {
            InetAddress ip = InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i});
            snapshot.add(new FixedEndpoint(new InetSocketAddress(ip, 8080), 1, random.nextInt(0, 50)));
        }
        balancer = LoadBalancers.create(policy, snapshot);
        contexts = new PickContext[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            byte[] client = {(byte) 172, 16, 0, 0};
            random.nextBytes(client);
            client[0] = (byte) 172;
            contexts[i] = PickContext.of(InetAddress.getByAddress(client));
        }
    }

    @Benchmark
    public Endpoint pick() {
        PickContext context = contexts[next++ & (CLIENTS - 1)];
        return balancer.pick(context);
    }
}
