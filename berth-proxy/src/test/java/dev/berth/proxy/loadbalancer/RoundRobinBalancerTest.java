package dev.berth.proxy.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Smooth weighted round robin: exact shares, nginx's interleaving, both concurrency paths. */
class RoundRobinBalancerTest {

    private static final PickContext CLIENT = PickContext.of(InetAddress.getLoopbackAddress());
    private static final int STEPPING = 0; // a schedule limit that forces the locked stepping path

    private static RoundRobinBalancer fromStart(List<? extends Endpoint> endpoints) {
        return new RoundRobinBalancer(endpoints, bound -> 0);
    }

    private static String names(LoadBalancer lb, int picks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            sb.append(((TestEndpoint) lb.pick(CLIENT)).name());
        }
        return sb.toString();
    }

    private static Map<Endpoint, Integer> count(LoadBalancer lb, long picks) {
        Map<Endpoint, Integer> counts = new IdentityHashMap<>();
        for (long i = 0; i < picks; i++) {
            counts.merge(lb.pick(CLIENT), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void weightsFiveOneOneInterleaveAsNginxDocuments() {
        LoadBalancer lb = fromStart(TestEndpoint.weighted(5, 1, 1));

        assertThat(names(lb, 21)).isEqualTo("aabacaa".repeat(3));
    }

    @Test
    void weightsFiveOneOneGiveExactlyFiveToOneToOneOverWholeCycles() {
        List<TestEndpoint> e = TestEndpoint.weighted(5, 1, 1);
        int n = 1000;
        Map<Endpoint, Integer> counts = count(new RoundRobinBalancer(e, bound -> 3), 7L * n);

        assertThat(counts).containsEntry(e.get(0), 5 * n).containsEntry(e.get(1), n).containsEntry(e.get(2), n);
    }

    @Test
    void equalWeightsArePlainRotation() {
        assertThat(names(fromStart(TestEndpoint.equal(4)), 12)).isEqualTo("abcdabcdabcd");
        assertThat(names(new RoundRobinBalancer(TestEndpoint.equal(4), bound -> 2), 8)).isEqualTo("cdabcdab");
    }

    @Test
    void commonFactorsShortenTheCycleWithoutChangingTheSequence() {
        assertThat(names(fromStart(TestEndpoint.weighted(50, 10, 10)), 14)).isEqualTo("aabacaa".repeat(2));
        assertThat(fromStart(TestEndpoint.weighted(50, 10, 10)).toString()).contains("cycle 7");
    }

    /**
     * For many seeded random weight vectors and phases: every window of one cycle holds each
     * endpoint exactly {@code weight} times. Smoothness: after {@code t} picks from the start of
     * the cycle an endpoint has {@code t * w / W - current / W} picks, and nginx's {@code current}
     * stays above {@code -W} (the winner held the maximum, at least {@code W / n}, before giving
     * back {@code W}), so no endpoint is ever a whole pick ahead of its ideal share. How far one
     * can fall behind is bounded by {@code n - 1} in theory; these vectors stay under 1.5.
     */
    @Test
    void randomWeightVectorsGetExactSharesInEveryWindowOfOneCycle() {
        Random random = new Random(20260501L);
        double worstAhead = 0;
        double worstBehind = 0;
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + random.nextInt(12);
            int[] weights = new int[n];
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(random.nextBoolean() ? 5 : 40);
            }
            List<TestEndpoint> e = TestEndpoint.weighted(weights);
            int cycle = reducedSum(weights);
            long phase = random.nextLong();
            RoundRobinBalancer lb = new RoundRobinBalancer(e, bound -> phase);
            Endpoint[] seq = new Endpoint[2 * cycle];
            for (int i = 0; i < seq.length; i++) {
                seq[i] = lb.pick(CLIENT);
            }
            int g = cycle == 0 ? 1 : sum(weights) / cycle;
            for (int start = 0; start <= cycle; start++) {
                Map<Endpoint, Integer> window = new IdentityHashMap<>();
                for (int i = start; i < start + cycle; i++) {
                    window.merge(seq[i], 1, Integer::sum);
                }
                for (TestEndpoint t : e) {
                    assertThat(window.get(t)).as("trial %d weights %s", trial, java.util.Arrays.toString(weights))
                            .isEqualTo(t.weight() / g);
                }
            }
            // Smoothness, from the start of the cycle (phase 0).
            RoundRobinBalancer fresh = fromStart(e);
            Map<Endpoint, Integer> sofar = new IdentityHashMap<>();
            for (int t = 1; t <= cycle; t++) {
                sofar.merge(fresh.pick(CLIENT), 1, Integer::sum);
                for (TestEndpoint x : e) {
                    double ideal = (double) t * x.weight() / g / cycle;
                    double ahead = sofar.getOrDefault(x, 0) - ideal;
                    worstAhead = Math.max(worstAhead, ahead);
                    worstBehind = Math.max(worstBehind, -ahead);
                }
            }
        }
        System.out.printf("smooth WRR over 500 random vectors: at most %.3f picks ahead of the ideal share,"
                + " %.3f behind%n", worstAhead, worstBehind);
        assertThat(worstAhead).isLessThan(1.0);
        assertThat(worstBehind).isLessThan(1.5);
    }

    @Test
    void steppingPathMatchesThePrecomputedSchedule() {
        Random random = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + random.nextInt(10);
            int[] weights = new int[n];
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(30);
            }
            List<TestEndpoint> e = TestEndpoint.weighted(weights);
            long phase = random.nextInt(n); // small enough for the stepping path's bound
            RoundRobinBalancer precomputed = new RoundRobinBalancer(e, bound -> phase);
            RoundRobinBalancer stepping = new RoundRobinBalancer(e, bound -> phase, STEPPING);
            assertThat(precomputed.toString()).contains("precomputed");
            assertThat(stepping.toString()).contains("stepping");

            int picks = 3 * sum(weights);
            assertThat(names(stepping, picks)).isEqualTo(names(precomputed, picks));
        }
    }

    @Test
    void longCyclesUseTheSteppingPath() {
        int[] weights = new int[200];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1000 - i; // cycle 179,900 > 65,536
        }
        RoundRobinBalancer lb = fromStart(TestEndpoint.weighted(weights));

        assertThat(lb.toString()).contains("stepping");
        assertThat(names(lb, 3)).isEqualTo("abc");
    }

    /** Several threads pick at once; the totals over whole cycles are still exact. */
    @ParameterizedTest
    @ValueSource(ints = {RoundRobinBalancer.MAX_SCHEDULE_LENGTH, STEPPING})
    @Timeout(30)
    void concurrentPicksKeepExactSharesOverWholeCycles(int scheduleLimit) throws Exception {
        List<TestEndpoint> e = TestEndpoint.weighted(5, 1, 1, 3, 2);
        int cycle = 12;
        RoundRobinBalancer lb = new RoundRobinBalancer(e, bound -> 5, scheduleLimit);
        int threads = 4;
        int picksEach = cycle * 25_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Map<Endpoint, Integer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return count(lb, picksEach);
                }));
            }
            start.countDown();
            Map<Endpoint, Integer> total = new IdentityHashMap<>();
            for (Future<Map<Endpoint, Integer>> f : results) {
                f.get(20, TimeUnit.SECONDS).forEach((k, v) -> total.merge(k, v, Integer::sum));
            }
            int cycles = threads * picksEach / cycle;
            for (TestEndpoint x : e) {
                assertThat(total.get(x)).as(x.name()).isEqualTo(x.weight() * cycles);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {RoundRobinBalancer.MAX_SCHEDULE_LENGTH, STEPPING})
    void excludedEndpointsAreSkippedWhileOthersRemain(int scheduleLimit) {
        List<TestEndpoint> e = TestEndpoint.weighted(5, 1, 1);
        RoundRobinBalancer lb = new RoundRobinBalancer(e, bound -> 0, scheduleLimit);
        PickContext notA = new PickContext(CLIENT.client(), Set.of(e.get(0)));
        PickContext notAOrB = new PickContext(CLIENT.client(), Set.of(e.get(0), e.get(1)));
        PickContext none = new PickContext(CLIENT.client(), Set.copyOf(e));

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 70; i++) {
            seen.add(((TestEndpoint) lb.pick(notA)).name());
            assertThat(lb.pick(notAOrB)).isSameAs(e.get(2));
            assertThat(lb.pick(none)).isIn(e);
        }
        assertThat(seen).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void excludingAnEndpointOutsideTheSnapshotChangesNothing() {
        List<TestEndpoint> e = TestEndpoint.weighted(5, 1, 1);
        PickContext stranger = new PickContext(CLIENT.client(), Set.of(TestEndpoint.at(99, "z", 1)));
        RoundRobinBalancer lb = fromStart(e);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            sb.append(((TestEndpoint) lb.pick(stranger)).name());
        }
        assertThat(sb).hasToString("aabacaa");
    }

    @Test
    void emptySnapshotPicksNullAndASingleEndpointIsAlwaysPicked() {
        assertThat(fromStart(List.of()).pick(CLIENT)).isNull();
        List<TestEndpoint> one = TestEndpoint.weighted(3);
        RoundRobinBalancer lb = fromStart(one);
        assertThat(lb.pick(CLIENT)).isSameAs(one.get(0));
        assertThat(lb.pick(new PickContext(CLIENT.client(), Set.of(one.get(0))))).isSameAs(one.get(0));
    }

    /** The random phase spreads first picks: fresh balancers over equal weights start everywhere. */
    @Test
    void randomPhaseSpreadsTheFirstPick() {
        List<TestEndpoint> e = TestEndpoint.equal(5);
        Random random = new Random(7);
        Map<String, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            LoadBalancer lb = LoadBalancers.create(dev.berth.proxy.config.ClusterConfig.LbPolicy.ROUND_ROBIN, e, random);
            firsts.merge(((TestEndpoint) lb.pick(CLIENT)).name(), 1, Integer::sum);
        }
        assertThat(firsts).containsOnlyKeys("a", "b", "c", "d", "e");
        assertThat(firsts.values()).allSatisfy(c -> assertThat(c).isBetween(60, 140));
    }

    private static int sum(int[] weights) {
        int s = 0;
        for (int w : weights) {
            s += w;
        }
        return s;
    }

    private static int reducedSum(int[] weights) {
        int g = 0;
        for (int w : weights) {
            g = java.math.BigInteger.valueOf(g).gcd(java.math.BigInteger.valueOf(w)).intValue();
        }
        return g == 0 ? 0 : sum(weights) / g;
    }
}
