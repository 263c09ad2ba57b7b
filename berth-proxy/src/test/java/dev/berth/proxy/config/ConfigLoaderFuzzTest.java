package dev.berth.proxy.config;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Whatever the text, {@link ConfigLoader#parse} returns a configuration whose dump reads back
 * equal, or throws {@link ConfigException} with one {@code file:...} line per error; nothing else.
 * {@code mvn test} replays the stored inputs in {@code ConfigLoaderFuzzTestInputs/}; to search
 * for new ones: {@code JAZZER_FUZZ=1 ./mvnw test -pl berth-proxy -am -Dtest=ConfigLoaderFuzzTest}.
 */
class ConfigLoaderFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void parseOnlyEverThrowsConfigException(byte[] input) {
        ConfigRobustnessTest.check(new String(input, java.nio.charset.StandardCharsets.UTF_8));
    }
}
