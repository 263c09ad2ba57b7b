package dev.berth.ip;

/** Prefix arithmetic on address bytes. */
final class Bits {

    private Bits() {}

    /** True when the first {@code length} bits of {@code a} equal those of {@code network} (same size). */
    static boolean matches(IpAddress a, byte[] network, int length) {
        int full = length / 8;
        for (int i = 0; i < full; i++) {
            if (a.byteAt(i) != (network[i] & 0xff)) {
                return false;
            }
        }
        int rest = length % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a.byteAt(full) & mask) == (network[full] & mask);
    }

    /** A copy of {@code bytes} with every bit after the first {@code length} cleared. */
    static byte[] masked(byte[] bytes, int length) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, length - 8 * i));
            int mask = bitsHere == 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
            out[i] = (byte) (out[i] & mask);
        }
        return out;
    }
}
