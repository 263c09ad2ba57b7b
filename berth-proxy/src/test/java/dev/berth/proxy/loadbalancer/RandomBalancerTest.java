package dev.berth.proxy.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Weighted random: shares within a chi-square bound for fixed seeds; exclusion stays weighted. */
class RandomBalancerTest {

    private static final PickContext CLIENT = PickContext.of(InetAddress.getLoopbackAddress());
    /** Chi-square critical values at p = 0.001 for 4 and 2 degrees of freedom. */
    private static final double CHI2_DF4 = 18.467;
    private static final double CHI2_DF2 = 13.816;

    private static RandomBalancer seeded(List<? extends Endpoint> endpoints, long seed) {
        Random random = new Random(seed);
        return new RandomBalancer(endpoints, () -> random);
    }

    @Test
    void sharesFollowWeights() {
        List<TestEndpoint> e = TestEndpoint.weighted(1, 2, 3, 4, 10);
        long[] counts = Shares.count(seeded(e, 1), CLIENT, e, 100_000);

        double chi = Shares.chiSquare(counts, Shares.weightsOf(e));
        System.out.printf("random {1,2,3,4,10}: counts %s, chi-square %.2f (df 4)%n", Arrays.toString(counts), chi);
        assertThat(chi).isLessThan(CHI2_DF4);
    }

    /** The same bound over several seeds, so one lucky seed does not carry the test. */
    @Test
    void sharesFollowWeightsForSeveralSeeds() {
        List<TestEndpoint> e = TestEndpoint.weighted(7, 1, 100, 13, 1);
        for (long seed = 10; seed < 20; seed++) {
            long[] counts = Shares.count(seeded(e, seed), CLIENT, e, 50_000);
            assertThat(Shares.chiSquare(counts, Shares.weightsOf(e))).as("seed %d", seed).isLessThan(CHI2_DF4);
        }
    }

    @Test
    void excludedEndpointsAreSkippedAndTheRestKeepTheirWeights() {
        List<TestEndpoint> e = TestEndpoint.weighted(1, 2, 3, 4, 10);
        PickContext retry = new PickContext(CLIENT.client(), Set.of(e.get(1), e.get(4)));
        long[] counts = Shares.count(seeded(e, 2), retry, e, 60_000);

        assertThat(counts[1]).isZero();
        assertThat(counts[4]).isZero();
        long[] rest = {counts[0], counts[2], counts[3]};
        assertThat(Shares.chiSquare(rest, new double[] {1, 3, 4})).isLessThan(CHI2_DF2);
    }

    @Test
    void whenAllAreExcludedAnyIsPicked() {
        List<TestEndpoint> e = TestEndpoint.weighted(1, 3);
        long[] counts = Shares.count(seeded(e, 3), new PickContext(null, Set.copyOf(e)), e, 4_000);

        assertThat(counts[0]).isPositive();
        assertThat(counts[1]).isGreaterThan(counts[0]);
    }

    @Test
    void emptyAndSingleSnapshots() {
        assertThat(seeded(List.of(), 0).pick(CLIENT)).isNull();
        List<TestEndpoint> one = TestEndpoint.weighted(5);
        assertThat(seeded(one, 0).pick(CLIENT)).isSameAs(one.get(0));
    }
}
