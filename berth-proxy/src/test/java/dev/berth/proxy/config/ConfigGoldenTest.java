package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each {@code golden/NAME.yaml} is loaded and its effective configuration, as
 * {@link ConfigDump#toYaml} prints it, must equal {@code golden/NAME.expected.yaml} byte for byte.
 * After an intended change, regenerate with {@code -Dberth.golden.update=true} and review the diff.
 */
class ConfigGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/config/golden");
    private static final String EXPECTED = ".expected.yaml";

    static Stream<String> inputs() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.endsWith(EXPECTED))
                    .sorted()
                    .toList();
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void effectiveConfigMatchesGoldenFile(String name) throws IOException {
        String dump = ConfigDump.toYaml(ConfigLoader.load(DIR.resolve(name)));
        Path expected = DIR.resolve(name.replace(".yaml", EXPECTED));
        if (Boolean.getBoolean("berth.golden.update")) {
            Files.writeString(expected, dump);
        }
        assertThat(dump).isEqualTo(Files.readString(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void dumpReadsBackToAnEqualConfig(String name) {
        ProxyConfig config = ConfigLoader.load(DIR.resolve(name));
        ProxyConfig again = ConfigLoader.parse(ConfigDump.toYaml(config), "dump.yaml");
        assertThat(again).isEqualTo(config);
        assertThat(ConfigDump.toYaml(again)).isEqualTo(ConfigDump.toYaml(config));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void jsonDumpIsAlsoAConfigFile(String name) {
        // YAML is a superset of JSON, so the admin's /config_dump can be saved and loaded as is.
        ProxyConfig config = ConfigLoader.load(DIR.resolve(name));
        assertThat(ConfigLoader.parse(ConfigDump.toJson(config), "dump.json")).isEqualTo(config);
    }

    @Test
    void everyExpectedFileHasAnInput() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(EXPECTED)))
                    .allSatisfy(n -> assertThat(DIR.resolve(n.replace(EXPECTED, ".yaml"))).exists());
        }
        assertThat(inputs()).hasSizeGreaterThanOrEqualTo(6);
    }
}
