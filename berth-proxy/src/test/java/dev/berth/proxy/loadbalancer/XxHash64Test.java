package dev.berth.proxy.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reference vectors of XXH64 (seed 0 unless stated), covering every tail length path and the 32-byte stripes. */
class XxHash64Test {

    private static long xxh64(String s, long seed) {
        return XxHash64.hash(s.getBytes(StandardCharsets.UTF_8), seed);
    }

    @Test
    void matchesTheReferenceVectors() {
        assertThat(xxh64("", 0)).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(xxh64("", 1)).isEqualTo(0xD5AFBA1336A3BE4BL);
        assertThat(xxh64("a", 0)).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(xxh64("abc", 0)).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(xxh64("asdf", 0)).isEqualTo(0x415872F599CEA71EL);
        assertThat(xxh64("Call me Ishmael.", 0)).isEqualTo(0x6D04390FC9D61A90L);
        // 39 and 46 bytes: one 32-byte stripe, then the 8-, 4- and 1-byte tails.
        assertThat(xxh64("Nobody inspects the spammish repetition", 0)).isEqualTo(0xFBCEA83C8A378BF1L);
        assertThat(xxh64("Some years ago--never mind how long precisely-", 0)).isEqualTo(0x8F26F2B986AFDC52L);
    }

    @Test
    void singleZeroByte() {
        assertThat(XxHash64.hash(new byte[1], 0)).isEqualTo(0xE934A84ADB052768L);
    }
}
