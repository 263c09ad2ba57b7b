package dev.berth.proxy.loadbalancer;

import java.util.List;

/** Counting picks per endpoint, and Pearson's chi-square against expected weights. */
final class Shares {

    private Shares() {}

    /** counts[i] = how often endpoints.get(i) was picked in {@code picks} picks. */
    static long[] count(LoadBalancer lb, PickContext context, List<? extends Endpoint> endpoints, int picks) {
        long[] counts = new long[endpoints.size()];
        for (int p = 0; p < picks; p++) {
            Endpoint e = lb.pick(context);
            int i = indexOf(endpoints, e);
            counts[i]++;
        }
        return counts;
    }

    static int indexOf(List<? extends Endpoint> endpoints, Endpoint e) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.get(i) == e) {
                return i;
            }
        }
        throw new AssertionError("picked " + e + ", not in the snapshot");
    }

    /** Pearson's chi-square statistic of {@code counts} against shares proportional to {@code weights}. */
    static double chiSquare(long[] counts, double[] weights) {
        long n = 0;
        double total = 0;
        for (int i = 0; i < counts.length; i++) {
            n += counts[i];
            total += weights[i];
        }
        double chi = 0;
        for (int i = 0; i < counts.length; i++) {
            if (weights[i] == 0) {
                continue;
            }
            double expected = n * weights[i] / total;
            chi += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        return chi;
    }

    static double[] weightsOf(List<? extends Endpoint> endpoints) {
        double[] w = new double[endpoints.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = endpoints.get(i).weight();
        }
        return w;
    }

    static double[] fractions(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        double[] f = new double[counts.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (double) counts[i] / n;
        }
        return f;
    }
}
