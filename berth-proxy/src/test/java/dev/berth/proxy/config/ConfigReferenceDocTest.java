package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/config-reference.md stays true: its examples load, and the defaults it shows are the code's. */
class ConfigReferenceDocTest {

    private static final Path DOC = Path.of("../docs/config-reference.md");

    private static List<String> yamlBlocks() throws IOException {
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void everyCompleteExampleLoads() throws IOException {
        List<String> complete = yamlBlocks().stream().filter(b -> b.contains("listeners:")).toList();
        assertThat(complete).hasSizeGreaterThanOrEqualTo(3);
        for (String block : complete) {
            ConfigLoader.parse(block, "config-reference.md");
        }
    }

    @Test
    void builtInSidecarAndEffectiveConfigShownAreTheCodes() throws IOException {
        List<String> blocks = yamlBlocks();
        // The short form under "The built-in sidecar", and the dump under "Checking a file".
        assertThat(blocks.stream().filter(b -> b.contains("listeners:") && !b.contains("backlog")))
                .singleElement()
                .satisfies(b -> assertThat(ConfigLoader.parse(b, "doc")).isEqualTo(ConfigLoader.defaults()));
        assertThat(blocks.getLast()).isEqualTo(ConfigDump.toYaml(ConfigLoader.defaults()));
    }
}
