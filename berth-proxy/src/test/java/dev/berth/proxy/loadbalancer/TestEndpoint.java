package dev.berth.proxy.loadbalancer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** An endpoint with a settable connection count; equal only to itself, like the cluster's. */
final class TestEndpoint implements Endpoint {

    private final String name;
    private final InetSocketAddress address;
    private final int weight;
    private volatile int active;

    TestEndpoint(String name, InetSocketAddress address, int weight) {
        this.name = name;
        this.address = address;
        this.weight = weight;
    }

    /** {@code name} at 10.0.0.{index + 1}:8080. */
    static TestEndpoint at(int index, String name, int weight) {
        byte[] ip = {10, 0, (byte) (index >> 8), (byte) (index + 1)};
        try {
            return new TestEndpoint(name, new InetSocketAddress(InetAddress.getByAddress(ip), 8080), weight);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Endpoints named a, b, c, ... (then e26, e27, ...) with these weights. */
    static List<TestEndpoint> weighted(int... weights) {
        List<TestEndpoint> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(at(i, i < 26 ? String.valueOf((char) ('a' + i)) : "e" + i, weights[i]));
        }
        return list;
    }

    /** {@code count} endpoints of weight 1. */
    static List<TestEndpoint> equal(int count) {
        int[] weights = new int[count];
        java.util.Arrays.fill(weights, 1);
        return weighted(weights);
    }

    TestEndpoint active(int connections) {
        this.active = connections;
        return this;
    }

    void open() {
        active++; // single-threaded simulations only
    }

    void close() {
        active--;
    }

    String name() {
        return name;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int activeConnections() {
        return active;
    }

    @Override
    public String toString() {
        return name;
    }
}
