package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutations of the golden files (characters YAML cares about inserted, lines dropped,
 * swapped, re-indented): the loader either accepts the text, and then its dump reads back to an
 * equal configuration, or rejects it with a {@link ConfigException} whose every line is
 * {@code file:...} with no stack trace. Nothing else may escape. The Jazzer fuzz test explores
 * further when run with {@code JAZZER_FUZZ=1}; this runs in every build.
 */
class ConfigRobustnessTest {

    private static final String NASTY = ":-[]{},&*!|>'\"%@`#? \t\n0123456789.abcxyz_~\\\u00e9\uFEFF";

    @Test
    @Timeout(60)
    void mutatedGoldenFilesOnlyEverFailWithConfigException() throws IOException {
        List<String> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/config/golden"))) {
            for (Path p : files.sorted().toList()) {
                seeds.add(Files.readString(p));
            }
        }
        Random random = new Random(20_251_025L);
        int accepted = 0;
        for (int i = 0; i < 4000; i++) {
            String text = seeds.get(random.nextInt(seeds.size()));
            int rounds = 1 + random.nextInt(4);
            for (int r = 0; r < rounds; r++) {
                text = mutate(text, random);
            }
            if (check(text)) {
                accepted++;
            }
        }
        // Most mutations break something; some (inside comments, say) must still load.
        assertThat(accepted).isBetween(1, 3999);
    }

    /** True when the text was accepted. */
    static boolean check(String text) {
        try {
            ProxyConfig config = ConfigLoader.parse(text, "fuzz.yaml");
            assertThat(ConfigLoader.parse(ConfigDump.toYaml(config), "dump.yaml")).isEqualTo(config);
            return true;
        } catch (ConfigException e) {
            assertThat(e.errors()).isNotEmpty();
            assertThat(e.getMessage().split("\n", -1)).allSatisfy(line -> assertThat(line).startsWith("fuzz.yaml:"));
            return false;
        }
    }

    private static String mutate(String text, Random random) {
        if (text.isEmpty()) {
            return String.valueOf(NASTY.charAt(random.nextInt(NASTY.length())));
        }
        int at = random.nextInt(text.length());
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int line = random.nextInt(lines.size());
        switch (random.nextInt(7)) {
            case 0 -> { return text.substring(0, at) + NASTY.charAt(random.nextInt(NASTY.length())) + text.substring(at); }
            case 1 -> { return text.substring(0, at) + text.substring(at + 1); }
            case 2 -> lines.remove(line);
            case 3 -> lines.add(line, lines.get(random.nextInt(lines.size())));
            case 4 -> lines.set(line, "  " + lines.get(line));
            case 5 -> lines.set(line, lines.get(line).stripLeading());
            default -> {
                int end = Math.min(text.length(), at + 1 + random.nextInt(20));
                return text.substring(0, at) + text.substring(end) + text.substring(at, end);
            }
        }
        return String.join("\n", lines);
    }
}
