package dev.berth.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PrefixMapTest {

    private static final long SEED = 0x5EED_0F_1F5L;

    enum Decision { ALLOW, DENY }

    private static PrefixMap<String> map(String... prefixesAndValues) {
        PrefixMap.Builder<String> b = PrefixMap.builder();
        for (int i = 0; i < prefixesAndValues.length; i += 2) {
            b.put(Prefix.parse(prefixesAndValues[i]), prefixesAndValues[i + 1]);
        }
        return b.build();
    }

    private static String match(PrefixMap<String> map, String address) {
        return map.longestMatch(IpAddresses.forString(address))
                .map(m -> m.prefix() + "=" + m.value()).orElse("none");
    }

    @Test
    void longestPrefixWinsInBothFamilies() {
        PrefixMap<String> m = map(
                "0.0.0.0/0", "any4",
                "10.0.0.0/8", "ten",
                "10.9.0.0/16", "ten-nine",
                "10.9.8.7/32", "host",
                "::/0", "any6",
                "2001:db8::/32", "doc",
                "2001:db8:1::/48", "doc-1");
        assertThat(match(m, "10.1.1.1")).isEqualTo("10.0.0.0/8=ten");
        assertThat(match(m, "10.9.1.1")).isEqualTo("10.9.0.0/16=ten-nine");
        assertThat(match(m, "10.9.8.7")).isEqualTo("10.9.8.7/32=host");
        assertThat(match(m, "10.9.8.6")).isEqualTo("10.9.0.0/16=ten-nine");
        assertThat(match(m, "192.168.0.1")).isEqualTo("0.0.0.0/0=any4");
        assertThat(match(m, "2001:db8:1::5")).isEqualTo("2001:db8:1::/48=doc-1");
        assertThat(match(m, "2001:db8:2::5")).isEqualTo("2001:db8::/32=doc");
        assertThat(match(m, "fe80::1%eth0")).isEqualTo("::/0=any6");
        assertThat(m.size()).isEqualTo(7);
    }

    @Test
    void mappedAddressesMatchIpv4Prefixes() {
        PrefixMap<String> m = map("10.0.0.0/8", "ten", "::/0", "any6");
        assertThat(match(m, "::ffff:10.1.2.3")).isEqualTo("10.0.0.0/8=ten");
        assertThat(match(m, "::ffff:11.1.2.3")).isEqualTo("none");
        assertThat(match(m, "::a01:203")).isEqualTo("::/0=any6"); // IPv4-compatible is plain IPv6
        assertThat(m.longestMatch(InetAddress.ofLiteral("::ffff:10.1.2.3")).map(PrefixMatch::value)).contains("ten");
    }

    @Test
    void mappedPrefixesAreIpv4Prefixes() {
        PrefixMap<String> m = map("::ffff:10.0.0.0/104", "ten-as-mapped", "10.9.0.0/16", "ten-nine");
        assertThat(match(m, "10.1.2.3")).isEqualTo("::ffff:10.0.0.0/104=ten-as-mapped");
        assertThat(match(m, "::ffff:10.9.2.3")).isEqualTo("10.9.0.0/16=ten-nine");
        assertThatThrownBy(() -> map("::ffff:10.0.0.0/104", "a", "10.0.0.0/8", "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("10.0.0.0/8: listed twice (as ::ffff:10.0.0.0/104)");
        assertThatThrownBy(() -> map("10.0.0.0/8", "a", "10.0.0.0/8", "b"))
                .hasMessage("10.0.0.0/8: listed twice");
    }

    @Test
    void emptyMapMatchesNothing() {
        PrefixMap<String> m = PrefixMap.<String>builder().build();
        assertThat(m.isEmpty()).isTrue();
        assertThat(m.longestMatch(IpAddresses.forString("10.0.0.1"))).isEmpty();
        assertThat(m.longestMatch(IpAddresses.forString("::1"))).isEmpty();
    }

    /** What the proxy's source policy will do: the tie rule is the caller's, expressed as a merge. */
    @Test
    void aPolicyCanLetDenyWinATie() {
        PrefixMap.Builder<Decision> b = PrefixMap.builder();
        for (String allow : List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8", "10.9.0.0/16")) {
            b.merge(Prefix.parse(allow), Decision.ALLOW, (x, y) -> x == Decision.DENY || y == Decision.DENY ? Decision.DENY : Decision.ALLOW);
        }
        for (String deny : List.of("10.9.0.0/16")) {
            b.merge(Prefix.parse(deny), Decision.DENY, (x, y) -> x == Decision.DENY || y == Decision.DENY ? Decision.DENY : Decision.ALLOW);
        }
        PrefixMap<Decision> policy = b.build();
        assertThat(policy.longestMatch(IpAddresses.forString("10.9.1.1")).map(PrefixMatch::value)).contains(Decision.DENY);
        assertThat(policy.longestMatch(IpAddresses.forString("10.8.1.1")).map(PrefixMatch::value)).contains(Decision.ALLOW);
        assertThat(policy.longestMatch(IpAddresses.forString("::ffff:127.0.0.1")).map(PrefixMatch::value)).contains(Decision.ALLOW);
        assertThat(policy.longestMatch(IpAddresses.forString("192.0.2.1"))).isEmpty();
        assertThat(policy.entries()).hasSize(4);
    }

    @Test
    void entriesKeepTheOrderAndPrefixesAsAdded() {
        PrefixMap<String> m = map("::ffff:10.0.0.0/104", "a", "192.0.2.0/24", "b", "::/0", "c");
        assertThat(m.entries().keySet()).extracting(Prefix::toString)
                .containsExactly("::ffff:10.0.0.0/104", "192.0.2.0/24", "::/0");
        assertThatThrownBy(() -> m.entries().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- property: the trie agrees with a linear scan -------------------------------------

    /** The oracle: scan every prefix with BigInteger arithmetic, keep the longest that contains the address. */
    private static Optional<PrefixMatch<Integer>> linearScan(List<PrefixMatch<Integer>> entries, IpAddress address) {
        IpAddress a = address.unmapped();
        BigInteger value = new BigInteger(1, a.toBytes());
        int bits = a.family().bits();
        PrefixMatch<Integer> best = null;
        int bestLength = -1;
        for (PrefixMatch<Integer> e : entries) {
            Prefix p = e.prefix();
            int length = p.length();
            IpAddress network = p.network();
            if (network.isIpv4Mapped() && length >= 96) {
                network = network.unmapped();
                length -= 96;
            }
            if (network.family() != a.family()) {
                continue;
            }
            BigInteger net = new BigInteger(1, network.toBytes());
            if (value.shiftRight(bits - length).equals(net.shiftRight(bits - length)) && length > bestLength) {
                best = e;
                bestLength = length;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Prefix randomPrefix(Random random) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> Prefix.containing(IpAddress.ofBytes(IpAddressRoundTripTest.randomIpv4(random)), skewedLength(random, 32));
            case 4 -> { // IPv4-mapped IPv6 prefix
                byte[] b = new byte[16];
                b[10] = (byte) 0xff;
                b[11] = (byte) 0xff;
                System.arraycopy(IpAddressRoundTripTest.randomIpv4(random), 0, b, 12, 4);
                yield Prefix.containing(IpAddress.ofBytes(b), 96 + skewedLength(random, 32));
            }
            default -> Prefix.containing(IpAddress.ofBytes(IpAddressRoundTripTest.randomIpv6(random)), skewedLength(random, 128));
        };
    }

    /** Mostly short prefixes so that random addresses fall inside several nested ones. */
    private static int skewedLength(Random random, int max) {
        int a = random.nextInt(max + 1);
        int b = random.nextInt(max + 1);
        return random.nextInt(4) == 0 ? Math.max(a, b) : Math.min(a, b);
    }

    /** An address inside a random listed prefix (host bits random), or a fully random one. */
    private static IpAddress randomAddress(Random random, List<PrefixMatch<Integer>> entries) {
        int kind = random.nextInt(10);
        if (kind < 6 && !entries.isEmpty()) {
            Prefix p = entries.get(random.nextInt(entries.size())).prefix();
            byte[] network = p.network().toBytes();
            byte[] noise = new byte[network.length];
            random.nextBytes(noise);
            for (int bit = p.length(); bit < network.length * 8; bit++) {
                int mask = 0x80 >>> (bit % 8);
                network[bit / 8] = (byte) ((network[bit / 8] & ~mask) | (noise[bit / 8] & mask));
            }
            IpAddress inside = IpAddress.ofBytes(network);
            if (inside.isIpv4() && random.nextBoolean()) { // the same address as an IPv4-mapped one
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(network, 0, mapped, 12, 4);
                return IpAddress.ofBytes(mapped);
            }
            return inside;
        }
        return IpAddress.ofBytes(kind < 8 ? IpAddressRoundTripTest.randomIpv4(random) : IpAddressRoundTripTest.randomIpv6(random));
    }

    @Test
    void longestMatchEqualsALinearScanForRandomSetsAndAddresses() {
        Random random = new Random(SEED);
        int matched = 0;
        int lookups = 0;
        for (int set = 0; set < 60; set++) {
            int size = set < 5 ? set : 1 + random.nextInt(set < 30 ? 20 : 300);
            Map<Prefix, PrefixMatch<Integer>> unique = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                Prefix p = randomPrefix(random);
                unique.putIfAbsent(p.unmapped(), new PrefixMatch<>(p, i));
            }
            List<PrefixMatch<Integer>> entries = new ArrayList<>(unique.values());
            PrefixMap.Builder<Integer> builder = PrefixMap.builder();
            entries.forEach(e -> builder.put(e.prefix(), e.value()));
            PrefixMap<Integer> map = builder.build();
            assertThat(map.size()).isEqualTo(entries.size());

            for (int i = 0; i < 2_000; i++) {
                IpAddress address = randomAddress(random, entries);
                Optional<PrefixMatch<Integer>> expected = linearScan(entries, address);
                assertThat(map.longestMatch(address))
                        .as("seed %d, set %d, address %s, prefixes %s", SEED, set, address, entries)
                        .isEqualTo(expected);
                lookups++;
                if (expected.isPresent()) {
                    matched++;
                }
            }
        }
        assertThat(lookups).isEqualTo(120_000);
        assertThat(matched).as("most lookups should find a prefix").isGreaterThan(lookups / 2);
    }

    @Test
    @Timeout(60)
    void isSafeToReadFromManyThreads() throws Exception {
        Random random = new Random(SEED + 1);
        List<PrefixMatch<Integer>> entries = new ArrayList<>();
        Map<Prefix, Boolean> seen = new LinkedHashMap<>();
        for (int i = 0; i < 500; i++) {
            Prefix p = randomPrefix(random);
            if (seen.putIfAbsent(p.unmapped(), true) == null) {
                entries.add(new PrefixMatch<>(p, i));
            }
        }
        PrefixMap.Builder<Integer> builder = PrefixMap.builder();
        entries.forEach(e -> builder.put(e.prefix(), e.value()));
        PrefixMap<Integer> map = builder.build();
        List<IpAddress> addresses = new ArrayList<>();
        List<Optional<PrefixMatch<Integer>>> expected = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            IpAddress a = randomAddress(random, entries);
            addresses.add(a);
            expected.add(linearScan(entries, a));
        }
        List<CompletableFuture<Void>> readers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            readers.add(CompletableFuture.runAsync(() -> {
                for (int round = 0; round < 5; round++) {
                    for (int i = 0; i < addresses.size(); i++) {
                        int k = (i * 7 + offset * 1013 + round) % addresses.size();
                        if (!map.longestMatch(addresses.get(k)).equals(expected.get(k))) {
                            throw new AssertionError("wrong match for " + addresses.get(k));
                        }
                    }
                }
            }, runnable -> Thread.ofPlatform().start(runnable)));
        }
        CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
}
