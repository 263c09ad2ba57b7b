package dev.berth.proxy.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Consistent hashing on the client address: affinity, balance, movement ≈ 1/n, exclusion. */
class RingHashBalancerTest {

    private static final int CLIENTS = 100_000;

    private static RingHashBalancer ring(List<? extends Endpoint> endpoints) {
        Random random = new Random(0);
        return new RingHashBalancer(endpoints, () -> random);
    }

    /** Half IPv4, half IPv6, from a fixed seed. */
    private static List<InetAddress> clients(long seed, int count) {
        Random random = new Random(seed);
        List<InetAddress> clients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[i % 2 == 0 ? 4 : 16];
            random.nextBytes(bytes);
            try {
                clients.add(InetAddress.getByAddress(bytes));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return clients;
    }

    private static Endpoint[] assign(LoadBalancer lb, List<InetAddress> clients) {
        Endpoint[] picked = new Endpoint[clients.size()];
        for (int i = 0; i < picked.length; i++) {
            picked[i] = lb.pick(PickContext.of(clients.get(i)));
        }
        return picked;
    }

    private static Map<Endpoint, Integer> tally(Endpoint[] picked) {
        Map<Endpoint, Integer> counts = new IdentityHashMap<>();
        for (Endpoint e : picked) {
            counts.merge(e, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void theSameClientKeepsTheSameEndpointWhateverTheSnapshotOrder() {
        List<TestEndpoint> e = TestEndpoint.equal(10);
        List<TestEndpoint> shuffled = new ArrayList<>(e);
        Collections.shuffle(shuffled, new Random(1));
        List<InetAddress> clients = clients(2, 10_000);

        Endpoint[] first = assign(ring(e), clients);
        assertThat(assign(ring(e), clients)).isEqualTo(first);
        assertThat(assign(ring(shuffled), clients)).isEqualTo(first);
        RingHashBalancer lb = ring(e);
        for (int i = 0; i < 1000; i++) {
            assertThat(lb.pick(PickContext.of(clients.get(i)))).isSameAs(first[i]);
        }
    }

    @Test
    void tenEqualEndpointsEachGetWithinFifteenPercentOfATenth() {
        List<TestEndpoint> e = TestEndpoint.equal(10);
        Map<Endpoint, Integer> counts = tally(assign(ring(e), clients(3, CLIENTS)));

        int expected = CLIENTS / 10;
        int min = Collections.min(counts.values());
        int max = Collections.max(counts.values());
        System.out.printf("ring hash, 10 endpoints x %d points, %d clients: min %d (%+.1f%%), max %d (%+.1f%%)%n",
                RingHashBalancer.POINTS_PER_WEIGHT, CLIENTS, min, 100.0 * (min - expected) / expected,
                max, 100.0 * (max - expected) / expected);
        assertThat(counts).hasSize(10);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(8_500, 11_500));
    }

    @Test
    void addingAnEleventhEndpointMovesAboutAnEleventhOfClientsAllToIt() {
        List<TestEndpoint> ten = TestEndpoint.equal(11).subList(0, 10);
        List<TestEndpoint> eleven = TestEndpoint.equal(11);
        // Same addresses, new objects: the ring depends on addresses, not identity.
        List<InetAddress> clients = clients(4, CLIENTS);
        Endpoint[] before = assign(ring(ten), clients);
        Endpoint[] after = assign(ring(eleven), clients);

        int moved = 0;
        for (int i = 0; i < CLIENTS; i++) {
            TestEndpoint b = (TestEndpoint) before[i];
            TestEndpoint a = (TestEndpoint) after[i];
            if (!a.address().equals(b.address())) {
                moved++;
                assertThat(a).isSameAs(eleven.get(10)); // a moved client only ever moves to the newcomer
            }
        }
        double fraction = (double) moved / CLIENTS;
        System.out.printf("ring hash, 10 -> 11 endpoints: %.4f of clients moved (1/11 = %.4f)%n", fraction, 1 / 11.0);
        assertThat(fraction).isBetween(0.5 / 11, 1.5 / 11);
    }

    @Test
    void removingAnEndpointMovesOnlyItsClients() {
        List<TestEndpoint> e = TestEndpoint.equal(10);
        List<TestEndpoint> nine = new ArrayList<>(e);
        TestEndpoint gone = nine.remove(6);
        List<InetAddress> clients = clients(5, CLIENTS);
        Endpoint[] before = assign(ring(e), clients);
        Endpoint[] after = assign(ring(nine), clients);

        int moved = 0;
        for (int i = 0; i < CLIENTS; i++) {
            if (before[i] == gone) {
                moved++;
                assertThat(after[i]).isNotSameAs(gone);
            } else {
                assertThat(after[i]).isSameAs(before[i]);
            }
        }
        System.out.printf("ring hash, 10 -> 9 endpoints: %.4f of clients moved (1/10 = 0.1)%n", (double) moved / CLIENTS);
    }

    @Test
    void sharesFollowWeights() {
        List<TestEndpoint> e = TestEndpoint.weighted(1, 2, 3, 4);
        Map<Endpoint, Integer> counts = tally(assign(ring(e), clients(6, CLIENTS)));

        for (TestEndpoint x : e) {
            double expected = CLIENTS * x.weight() / 10.0;
            assertThat((double) counts.get(x)).as(x.name()).isBetween(expected * 0.85, expected * 1.15);
        }
    }

    /** A retry goes where the client would go if the failed endpoint were not there at all. */
    @Test
    void excludingAnEndpointIsLikeRemovingIt() {
        List<TestEndpoint> e = TestEndpoint.equal(8);
        List<TestEndpoint> without = new ArrayList<>(e);
        TestEndpoint failed = without.remove(3);
        TestEndpoint alsoFailed = without.remove(0);
        RingHashBalancer full = ring(e);
        RingHashBalancer smaller = ring(without);

        for (InetAddress client : clients(7, 20_000)) {
            Endpoint retry = full.pick(new PickContext(client, Set.of(failed, alsoFailed)));
            assertThat(retry).isSameAs(smaller.pick(PickContext.of(client)));
        }
    }

    @Test
    void excludingEverythingPicksNormallyAndNoClientPicksSomething() {
        List<TestEndpoint> e = TestEndpoint.equal(3);
        RingHashBalancer lb = ring(e);
        InetAddress client = InetAddress.getLoopbackAddress();

        assertThat(lb.pick(new PickContext(client, Set.copyOf(e)))).isSameAs(lb.pick(PickContext.of(client)));
        assertThat(lb.pick(new PickContext(null, Set.of()))).isIn(e);
        assertThat(ring(List.of()).pick(PickContext.of(client))).isNull();
    }

    @Test
    void pointCountsScaleBySmallestWeightAndFitTheCap() {
        assertThat(RingHashBalancer.pointCounts(new int[] {1, 1, 1}, 160)).containsExactly(160, 160, 160);
        assertThat(RingHashBalancer.pointCounts(new int[] {100, 100}, 160)).containsExactly(160, 160);
        assertThat(RingHashBalancer.pointCounts(new int[] {2, 4, 3}, 160)).containsExactly(160, 320, 240);
        assertThat(RingHashBalancer.pointCounts(new int[] {1000, 999}, 160)).containsExactly(160, 160);
        int[] huge = new int[2000];
        Arrays.fill(huge, 1000);
        huge[0] = 1;
        int total = Arrays.stream(RingHashBalancer.pointCounts(huge, 160)).sum();
        assertThat(total).isLessThanOrEqualTo(RingHashBalancer.MAX_RING_SIZE + huge.length);
    }

    @Test
    void endpointKeysAreAddressAndPort() throws UnknownHostException {
        assertThat(RingHashBalancer.key(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 8443)))
                .isEqualTo("10.1.2.3:8443");
        assertThat(RingHashBalancer.key(new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 53)))
                .isEqualTo("[2001:db8:0:0:0:0:0:7]:53");
        assertThat(RingHashBalancer.key(InetSocketAddress.createUnresolved("db.internal", 5432)))
                .isEqualTo("db.internal:5432");
    }

    /**
     * The ±15% bound is not luck of one address set: 30 seeded random sets of 10 endpoints
     * (IPv4 and IPv6, any port) all stay within it at the default point count. Nginx's 160
     * points, measured alongside, do worse; that is why the default is higher.
     */
    @Test
    void randomEndpointSetsStayWithinFifteenPercent() throws UnknownHostException {
        Random random = new Random(11);
        List<InetAddress> clients = clients(12, 50_000);
        double[] worst = new double[2];
        double[] rms = new double[2];
        int sets = 30;
        for (int set = 0; set < sets; set++) {
            List<TestEndpoint> e = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                byte[] ip = new byte[random.nextBoolean() ? 4 : 16];
                random.nextBytes(ip);
                InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(ip), 1 + random.nextInt(65535));
                e.add(new TestEndpoint("e" + i, address, 1));
            }
            int[] pointCounts = {RingHashBalancer.POINTS_PER_WEIGHT, 160};
            for (int v = 0; v < 2; v++) {
                Map<Endpoint, Integer> counts =
                        tally(assign(new RingHashBalancer(e, () -> random, pointCounts[v]), clients));
                double squares = 0;
                for (TestEndpoint x : e) {
                    double deviation = counts.getOrDefault(x, 0) / 5_000.0 - 1;
                    worst[v] = Math.max(worst[v], Math.abs(deviation));
                    squares += deviation * deviation;
                }
                rms[v] += Math.sqrt(squares / e.size()) / sets;
            }
        }
        System.out.printf("ring hash, %d random sets of 10 endpoints: %d points: worst %.1f%%, rms %.1f%%;"
                + " 160 points: worst %.1f%%, rms %.1f%%%n", sets, RingHashBalancer.POINTS_PER_WEIGHT,
                100 * worst[0], 100 * rms[0], 100 * worst[1], 100 * rms[1]);
        assertThat(worst[0]).isLessThan(0.15);
        assertThat(rms[0]).isLessThan(rms[1]);
    }
}
