package dev.berth.proxy.loadbalancer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XXH64 (Yann Collet, xxHash specification {@code doc/xxhash_spec.md}, "XXH64 algorithm
 * description"): a fast, well-mixed, stable 64-bit hash. Envoy's ring hash and Maglev hash
 * with it too. Stable means the same bytes hash the same in every JVM and every release,
 * which a ring shared by several proxies needs and {@code String.hashCode} (32 bits, weak
 * mixing) does not give. Checked against the reference vectors in {@code XxHash64Test}.
 */
final class XxHash64 {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private XxHash64() {}

    static long hash(byte[] data, long seed) {
        return hash(data, data.length, seed);
    }

    /** The hash of {@code data[0..len)}. */
    static long hash(byte[] data, int len, long seed) {
        int i = 0;
        long h;
        if (len >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            do {
                v1 = round(v1, (long) LONGS.get(data, i));
                v2 = round(v2, (long) LONGS.get(data, i + 8));
                v3 = round(v3, (long) LONGS.get(data, i + 16));
                v4 = round(v4, (long) LONGS.get(data, i + 24));
                i += 32;
            } while (i <= len - 32);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = seed + P5;
        }
        h += len;
        for (; i + 8 <= len; i += 8) {
            h ^= round(0, (long) LONGS.get(data, i));
            h = Long.rotateLeft(h, 27) * P1 + P4;
        }
        if (i + 4 <= len) {
            h ^= (((int) INTS.get(data, i)) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 4;
        }
        for (; i < len; i++) {
            h ^= (data[i] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long merge(long acc, long v) {
        acc ^= round(0, v);
        return acc * P1 + P4;
    }
}
