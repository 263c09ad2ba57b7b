package dev.berth.proxy.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Power of two choices: idle shares follow weights, busy endpoints lose, exclusion stays P2C. */
class LeastConnectionsBalancerTest {

    private static final PickContext CLIENT = PickContext.of(InetAddress.getLoopbackAddress());
    private static final double CHI2_DF3 = 16.266; // p = 0.001

    private static LeastConnectionsBalancer seeded(List<? extends Endpoint> endpoints, long seed) {
        Random random = new Random(seed);
        return new LeastConnectionsBalancer(endpoints, () -> random);
    }

    @Test
    void idleEndpointsGetSharesInProportionToWeight() {
        List<TestEndpoint> e = TestEndpoint.weighted(1, 2, 3, 4);
        long[] counts = Shares.count(seeded(e, 1), CLIENT, e, 100_000);

        double chi = Shares.chiSquare(counts, Shares.weightsOf(e));
        System.out.printf("P2C idle {1,2,3,4}: fractions %s, chi-square %.2f%n",
                Arrays.toString(Shares.fractions(counts)), chi);
        assertThat(chi).isLessThan(CHI2_DF3);
    }

    /** "Equal load" for weighted endpoints: connections in proportion to weight. */
    @Test
    void loadInProportionToWeightKeepsSharesInProportionToWeight() {
        List<TestEndpoint> e = TestEndpoint.weighted(1, 2, 3, 4);
        for (TestEndpoint x : e) {
            x.active(25 * x.weight());
        }
        long[] counts = Shares.count(seeded(e, 2), CLIENT, e, 100_000);

        assertThat(Shares.chiSquare(counts, Shares.weightsOf(e))).isLessThan(CHI2_DF3);
    }

    /**
     * Equal weights, loads 0 < 1 < 2 < 3: the two draws are a uniform pair of distinct
     * endpoints and the less loaded wins, so the k-th least loaded of n wins (n - k) of the
     * n(n-1)/2 pairs: 3/6, 2/6, 1/6 and never the busiest.
     */
    @Test
    void sharesFollowTheRankOfLoadAndTheBusiestIsNeverPicked() {
        List<TestEndpoint> e = TestEndpoint.equal(4);
        for (int i = 0; i < 4; i++) {
            e.get(i).active(i);
        }
        double[] f = Shares.fractions(Shares.count(seeded(e, 3), CLIENT, e, 100_000));

        System.out.printf("P2C loads 0,1,2,3: fractions %s%n", Arrays.toString(f));
        assertThat(f[0]).isCloseTo(3 / 6.0, within(0.01));
        assertThat(f[1]).isCloseTo(2 / 6.0, within(0.01));
        assertThat(f[2]).isCloseTo(1 / 6.0, within(0.01));
        assertThat(f[3]).isZero();
    }

    /** A weight of 4 carries four times the connections before it looks as busy. */
    @Test
    void loadIsComparedPerUnitOfWeight() {
        List<TestEndpoint> e = TestEndpoint.weighted(1, 4);
        e.get(0).active(2); // 2 per unit of weight
        e.get(1).active(6); // 1.5 per unit: less loaded despite more connections
        long[] counts = Shares.count(seeded(e, 4), CLIENT, e, 10_000);

        assertThat(counts[0]).isZero();
        assertThat(counts[1]).isEqualTo(10_000);
    }

    /**
     * A closed-loop simulation: one new connection per tick, connections to endpoint 0 last
     * ten times longer (a slow upstream). Round robin would hand it 10% of connections
     * regardless; P2C sees it fill up and steers away. Weighted random is the baseline.
     */
    @Test
    void aSlowEndpointGetsFarLessThanItsShare() {
        double p2c = slowEndpointShare(TestEndpoint.equal(10), true);
        double random = slowEndpointShare(TestEndpoint.equal(10), false);

        System.out.printf("slow endpoint (10x longer connections) of 10: P2C share %.4f, random share %.4f%n",
                p2c, random);
        assertThat(random).isCloseTo(0.10, within(0.01));
        assertThat(p2c).isLessThan(0.05);
    }

    private static double slowEndpointShare(List<TestEndpoint> e, boolean p2c) {
        Random random = new Random(5);
        LoadBalancer lb = p2c ? new LeastConnectionsBalancer(e, () -> random) : new RandomBalancer(e, () -> random);
        record Close(long at, TestEndpoint endpoint) {}
        PriorityQueue<Close> closes = new PriorityQueue<>((x, y) -> Long.compare(x.at(), y.at()));
        int ticks = 100_000;
        int warmup = 10_000;
        long slowPicks = 0;
        for (long tick = 0; tick < ticks; tick++) {
            while (!closes.isEmpty() && closes.peek().at() <= tick) {
                closes.poll().endpoint().close();
            }
            TestEndpoint picked = (TestEndpoint) lb.pick(CLIENT);
            picked.open();
            closes.add(new Close(tick + (picked == e.get(0) ? 100 : 10), picked));
            if (tick >= warmup && picked == e.get(0)) {
                slowPicks++;
            }
        }
        return (double) slowPicks / (ticks - warmup);
    }

    @Test
    void excludedEndpointsAreSkippedAndTheRestStillCompareLoad() {
        List<TestEndpoint> e = TestEndpoint.equal(4);
        e.get(0).active(0); // idlest, but excluded
        e.get(1).active(5);
        e.get(2).active(1);
        e.get(3).active(9);
        PickContext retry = new PickContext(CLIENT.client(), Set.of(e.get(0)));
        long[] counts = Shares.count(seeded(e, 6), retry, e, 30_000);

        // Among b (5), c (1), d (9): c wins both its pairs, b beats d.
        double[] f = Shares.fractions(counts);
        assertThat(counts[0]).isZero();
        assertThat(f[2]).isCloseTo(2 / 3.0, within(0.015));
        assertThat(f[1]).isCloseTo(1 / 3.0, within(0.015));
        assertThat(counts[3]).isZero();
    }

    @Test
    void excludingAllButOneLeavesThatOneAndExcludingAllPicksAny() {
        List<TestEndpoint> e = TestEndpoint.weighted(1, 2, 3);
        e.get(2).active(1000);
        LeastConnectionsBalancer lb = seeded(e, 7);
        PickContext onlyBusy = new PickContext(CLIENT.client(), Set.of(e.get(0), e.get(1)));
        PickContext all = new PickContext(CLIENT.client(), Set.copyOf(e));

        for (int i = 0; i < 100; i++) {
            assertThat(lb.pick(onlyBusy)).isSameAs(e.get(2));
            assertThat(lb.pick(all)).isIn(e.get(0), e.get(1)); // the busy one loses every comparison
        }
    }

    @Test
    void emptyAndSingleSnapshots() {
        assertThat(seeded(List.of(), 0).pick(CLIENT)).isNull();
        List<TestEndpoint> one = TestEndpoint.weighted(2);
        one.get(0).active(1_000_000);
        assertThat(seeded(one, 0).pick(CLIENT)).isSameAs(one.get(0));
    }

    @Test
    void heavilySkewedWeightsNeedNoRetryLoop() {
        List<TestEndpoint> e = TestEndpoint.weighted(1000, 1);
        long[] counts = Shares.count(seeded(e, 8), CLIENT, e, 100_000);
        // Idle: exactly the first weighted draw, 1000:1.
        assertThat(Shares.fractions(counts)[1]).isCloseTo(1 / 1001.0, within(0.0005));
    }
}
