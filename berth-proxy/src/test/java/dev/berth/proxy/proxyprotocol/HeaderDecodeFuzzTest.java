package dev.berth.proxy.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.proxy.observe.ReasonCode;
import java.util.Arrays;

/**
 * Whatever bytes a trusted peer sends, the PROXY protocol step (Netty's decoder and our
 * handler) ends in one of three states, and nothing else: still waiting for the header;
 * closed with {@code PP}; or the header accepted, the next handler activated, and exactly the
 * bytes after the header handed on (a suffix of the input, unchanged). No exception escapes,
 * and with paranoid leak detection no buffer leaks. The input arrives in two writes, split at
 * a place the input's first byte chooses, so partial headers are covered too.
 *
 * <p>{@code mvn test} replays the stored inputs in {@code HeaderDecodeFuzzTestInputs/}; to
 * search for new ones: {@code JAZZER_FUZZ=1 ./mvnw test -pl berth-proxy -am -Dtest=HeaderDecodeFuzzTest}.
 */
class HeaderDecodeFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void decodeEitherWaitsRejectsOrHandsOnTheRest(byte[] input) {
        HeaderHandlerTest.Harness h = new HeaderHandlerTest.Harness();
        try {
            int split = input.length == 0 ? 0 : (input[0] & 0xff) % (input.length + 1);
            if (split > 0) {
                h.write(Arrays.copyOfRange(input, 0, split));
            }
            if (h.channel.isOpen() && split < input.length) {
                h.write(Arrays.copyOfRange(input, split, input.length));
            }
            h.channel.checkException();
            if (h.capture.active) {
                assertThat(h.channel.isOpen()).isTrue();
                assertThat(h.info.reason()).isNull();
                byte[] rest = h.capture.bytes.toByteArray();
                assertThat(rest.length).isLessThanOrEqualTo(input.length - 15); // the shortest header is 15 bytes
                assertThat(Arrays.copyOfRange(input, input.length - rest.length, input.length)).isEqualTo(rest);
                assertThat(h.handlersLeft()).isFalse();
            } else if (!h.channel.isOpen()) {
                assertThat(h.info.reason()).isEqualTo(ReasonCode.PP);
                assertThat(h.info.detail()).isNotBlank();
                assertThat(h.capture.bytes.size()).isZero();
            } else {
                assertThat(h.info.reason()).isNull();
                assertThat(h.capture.bytes.size()).isZero();
            }
        } finally {
            h.channel.finishAndReleaseAll();
        }
    }
}
