package dev.berth.ip;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddressString;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Property tests with seeded random inputs: parse∘format is the identity, and the forms Berth
 * writes and reads agree with two independent parsers, the JDK's ({@link InetAddress#ofLiteral})
 * and the IPAddress library's. A failure prints the seed and the address.
 */
class IpAddressRoundTripTest {

    private static final long SEED = 0xBE27_1905L;
    private static final int SAMPLES = 20_000;

    /** IPv6 bytes with many zero groups, so that every place and length of the "::" run occurs. */
    static byte[] randomIpv6(Random random) {
        double zeroChance = switch (random.nextInt(3)) {
            case 0 -> 0.2;
            case 1 -> 0.5;
            default -> 0.8;
        };
        byte[] b = new byte[16];
        for (int g = 0; g < 8; g++) {
            if (random.nextDouble() < zeroChance) {
                continue;
            }
            int digits = 1 + random.nextInt(4);
            int value = 1 + random.nextInt((1 << (4 * digits)) - 1);
            b[2 * g] = (byte) (value >>> 8);
            b[2 * g + 1] = (byte) value;
        }
        switch (random.nextInt(20)) {
            case 0 -> { // IPv4-mapped
                Arrays.fill(b, 0, 10, (byte) 0);
                b[10] = (byte) 0xff;
                b[11] = (byte) 0xff;
            }
            case 1 -> Arrays.fill(b, 0, 12, (byte) 0); // IPv4-compatible, ::, ::1
            default -> { }
        }
        return b;
    }

    static byte[] randomIpv4(Random random) {
        byte[] b = new byte[4];
        random.nextBytes(b);
        return b;
    }

    /** Where RFC 5952 puts "::" for these groups: {start, length}, or {-1, 0} when nowhere. */
    private static int[] compressedRun(IpAddress a) {
        int bestStart = -1;
        int bestLength = 0;
        for (int g = 0; g < 8; ) {
            int end = g;
            while (end < 8 && a.group(end) == 0) {
                end++;
            }
            if (end - g >= 2 && end - g > bestLength) {
                bestStart = g;
                bestLength = end - g;
            }
            g = Math.max(end, g + 1);
        }
        return new int[] {bestStart, bestLength};
    }

    @Test
    void ipv6ParseOfEveryFormatIsTheIdentityAndAgreesWithTheJdkAndIpAddressLibrary() {
        Random random = new Random(SEED);
        Set<String> runsSeen = new HashSet<>();
        for (int i = 0; i < SAMPLES; i++) {
            IpAddress a = IpAddress.ofBytes(randomIpv6(random));
            String canonical = a.toCanonicalString();
            String expanded = a.toExpandedString();
            String why = "seed " + SEED + ", sample " + i + ": " + expanded;

            assertThat(IpAddresses.forString(canonical)).as(why).isEqualTo(a);
            assertThat(IpAddresses.forString(expanded)).as(why).isEqualTo(a);
            assertThat(IpAddresses.forUriString(a.toUriString())).as(why).isEqualTo(a);

            byte[] jdkExpects = a.isIpv4Mapped() ? a.unmapped().toBytes() : a.toBytes();
            assertThat(InetAddress.ofLiteral(canonical).getAddress()).as(why).isEqualTo(jdkExpects);
            assertThat(InetAddress.ofLiteral(expanded).getAddress()).as(why).isEqualTo(jdkExpects);
            assertThat(IpAddress.of(InetAddress.ofLiteral(expanded))).as(why)
                    .isEqualTo(a.isIpv4Mapped() ? a.unmapped() : a);

            String library = new IPAddressString(expanded).getAddress().toCanonicalString();
            if (a.isIpv4Mapped()) {
                assertThat(canonical).as(why).isEqualTo("::ffff:" + a.unmapped());
            } else {
                assertThat(canonical).as(why).isEqualTo(library);
            }
            assertThat(expanded).as(why).isEqualTo(new IPAddressString(expanded).getAddress().toFullString());
            assertThat(expanded).as(why).matches("([0-9a-f]{4}:){7}[0-9a-f]{4}");

            int[] run = compressedRun(a);
            runsSeen.add(run[0] + "+" + run[1]);
        }
        // 28 places for a run of 2-8 zero groups, and no run at all.
        assertThat(runsSeen).hasSize(29);
    }

    @Test
    void ipv4ParseOfFormatIsTheIdentityAndAgreesWithTheJdk() {
        Random random = new Random(SEED + 4);
        for (int i = 0; i < SAMPLES; i++) {
            IpAddress a = IpAddress.ofBytes(randomIpv4(random));
            String text = a.toCanonicalString();
            assertThat(IpAddresses.forString(text)).isEqualTo(a);
            assertThat(a.toExpandedString()).isEqualTo(text);
            assertThat(a.toUriString()).isEqualTo(text);
            InetAddress jdk = InetAddress.ofLiteral(text);
            assertThat(jdk).isInstanceOf(Inet4Address.class);
            assertThat(jdk.getAddress()).isEqualTo(a.toBytes());
            assertThat(jdk.getHostAddress()).isEqualTo(text);
        }
    }

    @Test
    void scopesRoundTrip() {
        Random random = new Random(SEED + 6);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder scope = new StringBuilder();
            for (int n = 1 + random.nextInt(15); n > 0; n--) {
                scope.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            IpAddress a = IpAddress.ofIpv6(randomIpv6(random), scope.toString());
            assertThat(IpAddresses.forString(a.toCanonicalString())).isEqualTo(a);
            assertThat(IpAddresses.forString(a.toExpandedString())).isEqualTo(a);
            assertThat(IpAddresses.forUriString(a.toUriString())).isEqualTo(a);
            assertThat(a.scope()).contains(scope.toString());
        }
    }

    /**
     * Any RFC 4291 spelling (any zero run compressed or none, either case, leading zeros, a
     * dotted IPv4 tail) parses to the same address here and in the JDK.
     */
    @Test
    void everyRfc4291SpellingParsesAsTheJdkParsesIt() {
        Random random = new Random(SEED + 7);
        for (int i = 0; i < SAMPLES; i++) {
            IpAddress a = IpAddress.ofBytes(randomIpv6(random));
            String text = randomSpelling(a, random);
            String why = "seed " + (SEED + 7) + ", sample " + i + ": " + text;
            assertThat(IpAddresses.forString(text)).as(why).isEqualTo(a);
            byte[] jdkExpects = a.isIpv4Mapped() ? a.unmapped().toBytes() : a.toBytes();
            assertThat(InetAddress.ofLiteral(text).getAddress()).as(why).isEqualTo(jdkExpects);
        }
    }

    private static String randomSpelling(IpAddress a, Random random) {
        boolean dottedTail = random.nextInt(4) == 0;
        int groups = dottedTail ? 6 : 8;
        String[] parts = new String[groups];
        for (int g = 0; g < groups; g++) {
            String hex = Integer.toHexString(a.group(g));
            int pad = random.nextInt(5 - hex.length());
            hex = "0".repeat(pad) + hex;
            parts[g] = random.nextBoolean() ? hex.toUpperCase(Locale.ROOT) : hex;
        }
        // Pick any run of zero groups (even a single one) to write as "::", or none.
        int start = -1;
        int end = -1;
        if (random.nextInt(3) > 0) {
            int from = random.nextInt(groups);
            while (from < groups && a.group(from) != 0) {
                from++;
            }
            if (from < groups) {
                int to = from;
                while (to < groups && a.group(to) == 0 && (to == from || random.nextInt(4) > 0)) {
                    to++;
                }
                start = from;
                end = to;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < groups; g++) {
            if (g == start) {
                sb.append("::");
                g = end - 1;
                continue;
            }
            if (sb.length() > 0 && !sb.toString().endsWith(":")) {
                sb.append(':');
            }
            sb.append(parts[g]);
        }
        if (dottedTail) {
            if (!sb.toString().endsWith(":")) {
                sb.append(':');
            }
            sb.append(a.byteAt(12)).append('.').append(a.byteAt(13)).append('.').append(a.byteAt(14)).append('.')
                    .append(a.byteAt(15));
        }
        return sb.toString();
    }

    /** A group of five or more hex digits: RFC 4291 allows four; the JDK takes more when the extra ones are leading zeros. */
    private static final java.util.regex.Pattern LONG_GROUP = java.util.regex.Pattern.compile("(^|:)[0-9a-fA-F]{5,}(:|$)");

    /**
     * Random strings over the characters of IP literals: whatever Berth accepts, the JDK accepts
     * and reads the same way; IPv6 text the JDK accepts, Berth accepts too. The deliberate
     * differences are excluded: legacy IPv4 forms (so IPv4-only text is compared one way only)
     * and IPv6 groups of more than four hex digits.
     */
    @Test
    void agreesWithTheJdkOnRandomText() {
        Random random = new Random(SEED + 8);
        String alphabet = "0000111::::....abcdefABCDEF12345678x9%";
        int accepted = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = 1 + random.nextInt(24); n > 0; n--) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            if (text.indexOf('%') >= 0) {
                continue; // the JDK checks named scopes against this host's interfaces
            }
            InetAddress jdk;
            try {
                jdk = InetAddress.ofLiteral(text);
            } catch (IllegalArgumentException e) {
                jdk = null;
            }
            boolean ours = IpAddresses.isIpLiteral(text);
            if (ours) {
                accepted++;
                assertThat(jdk).as(text).isNotNull();
                assertThat(IpAddresses.forString(text).unmapped().toBytes()).as(text).isEqualTo(jdk.getAddress());
            } else if (jdk != null && text.indexOf(':') >= 0 && !LONG_GROUP.matcher(text).find()) {
                throw new AssertionError("the JDK reads " + text + " as " + jdk + " but Berth rejects it: "
                        + assertThrowsMessage(text));
            }
        }
        assertThat(accepted).isGreaterThan(100);
    }

    private static String assertThrowsMessage(String text) {
        try {
            IpAddresses.forString(text);
            return "(accepted?)";
        } catch (InvalidAddressException e) {
            return e.getMessage();
        }
    }
}
