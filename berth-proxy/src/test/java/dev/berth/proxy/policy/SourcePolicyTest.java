package dev.berth.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.ip.IpAddresses;
import dev.berth.ip.Prefix;
import dev.berth.proxy.config.PolicyConfig;
import dev.berth.proxy.config.PolicyConfig.Action;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The policy as a table: rules, a source address, the verdict and the rule that gave it. */
class SourcePolicyTest {

    /** {@code default; allow list; deny list; source; expected rule}; lists are space-separated. */
    static Stream<Arguments> table() {
        return Stream.of(
                // No rule matches: the default decides.
                row("allow", "", "", "192.0.2.1", "default allow"),
                row("deny", "", "", "192.0.2.1", "default deny"),
                row("deny", "10.0.0.0/8", "", "192.0.2.1", "default deny"),
                row("deny", "10.0.0.0/8", "", "::1", "default deny"),
                // One rule matches.
                row("deny", "10.0.0.0/8", "", "10.1.2.3", "allow 10.0.0.0/8"),
                row("allow", "", "10.0.0.0/8", "10.1.2.3", "deny 10.0.0.0/8"),
                row("deny", "127.0.0.0/8 ::1/128", "", "127.0.0.2", "allow 127.0.0.0/8"),
                row("deny", "127.0.0.0/8 ::1/128", "", "::1", "allow ::1/128"),
                // Longest prefix wins, whichever list it is in.
                row("deny", "10.0.0.0/8", "10.9.0.0/16", "10.9.1.1", "deny 10.9.0.0/16"),
                row("deny", "10.0.0.0/8", "10.9.0.0/16", "10.8.1.1", "allow 10.0.0.0/8"),
                row("allow", "10.9.1.0/24", "10.0.0.0/8", "10.9.1.7", "allow 10.9.1.0/24"),
                row("allow", "10.9.1.0/24", "10.0.0.0/8", "10.9.2.7", "deny 10.0.0.0/8"),
                row("deny", "127.0.0.2/32", "127.0.0.0/8", "127.0.0.2", "allow 127.0.0.2/32"),
                row("deny", "127.0.0.2/32", "127.0.0.0/8", "127.0.0.3", "deny 127.0.0.0/8"),
                row("allow", "0.0.0.0/0", "192.0.2.0/24", "192.0.2.200", "deny 192.0.2.0/24"),
                row("deny", "2001:db8::/32", "2001:db8:bad::/48", "2001:db8:bad::1", "deny 2001:db8:bad::/48"),
                row("deny", "2001:db8::/32", "2001:db8:bad::/48", "2001:db8:900d::1", "allow 2001:db8::/32"),
                // Deny wins a tie, in any spelling of the same prefix.
                row("allow", "10.0.0.0/8", "10.0.0.0/8", "10.1.1.1", "deny 10.0.0.0/8"),
                row("deny", "10.0.0.0/8", "10.0.0.0/8", "10.1.1.1", "deny 10.0.0.0/8"),
                row("allow", "10.0.0.0/8", "::ffff:10.0.0.0/104", "10.1.1.1", "deny 10.0.0.0/8"),
                row("allow", "0.0.0.0/0 ::/0", "0.0.0.0/0", "192.0.2.1", "deny 0.0.0.0/0"),
                // IPv4-mapped IPv6 clients (a dual-stack listener) match IPv4 rules, never IPv6 ones.
                row("deny", "10.0.0.0/8", "", "::ffff:10.1.2.3", "allow 10.0.0.0/8"),
                row("allow", "", "10.0.0.0/8", "::ffff:10.1.2.3", "deny 10.0.0.0/8"),
                row("deny", "::/0", "", "::ffff:10.1.2.3", "default deny"),
                row("allow", "", "::/0", "::ffff:10.1.2.3", "default allow"),
                row("allow", "", "::/0", "2001:db8::1", "deny ::/0"),
                row("deny", "::ffff:127.0.0.0/104", "", "127.0.0.9", "allow ::ffff:127.0.0.0/104"),
                // IPv4 rules never match IPv6 clients.
                row("allow", "", "0.0.0.0/0", "::1", "default allow"),
                // Host routes.
                row("allow", "", "192.0.2.7/32", "192.0.2.7", "deny 192.0.2.7/32"),
                row("allow", "", "192.0.2.7/32", "192.0.2.8", "default allow"),
                row("allow", "", "fe80::/10", "fe80::1%1", "deny fe80::/10"));
    }

    private static Arguments row(String defaultAction, String allow, String deny, String source, String rule) {
        return Arguments.of(defaultAction, allow, deny, source, rule);
    }

    private static List<Prefix> prefixes(String list) {
        return list.isBlank() ? List.of() : Arrays.stream(list.split(" ")).map(Prefix::parse).toList();
    }

    private static SourcePolicy policy(String defaultAction, String allow, String deny, boolean shadow) {
        return SourcePolicy.of(new PolicyConfig(Action.valueOf(defaultAction.toUpperCase()), prefixes(allow), prefixes(deny), shadow));
    }

    @ParameterizedTest(name = "default {0}, allow [{1}], deny [{2}]: {3} -> {4}")
    @MethodSource("table")
    void mostSpecificRuleDecidesAndDenyWinsATie(String defaultAction, String allow, String deny, String source, String rule) {
        // Parsed by berth-ip, an IPv4-mapped source stays IPv6 (the JDK would hand out an Inet4Address).
        PolicyVerdict v = policy(defaultAction, allow, deny, false).decide(IpAddresses.forString(source));
        assertThat(policy(defaultAction, allow, deny, false).decide(InetAddress.ofLiteral(source.replace("%1", ""))).rule())
                .isEqualTo(rule);
        assertThat(v.rule()).isEqualTo(rule);
        assertThat(v.enforced()).isTrue();
        assertThat(v.admits()).isEqualTo(rule.startsWith("allow") || rule.equals("default allow"));
        assertThat(v.shadowDenied()).isFalse();
    }

    @ParameterizedTest(name = "shadow: default {0}, allow [{1}], deny [{2}]: {3} -> {4}")
    @MethodSource("table")
    void shadowModeAdmitsEveryoneAndMarksWhatWouldBeDenied(String defaultAction, String allow, String deny, String source,
                                                          String rule) {
        PolicyVerdict v = policy(defaultAction, allow, deny, true).decide(IpAddresses.forString(source));
        assertThat(v.rule()).isEqualTo(rule);
        assertThat(v.admits()).isTrue();
        assertThat(v.shadowDenied()).isEqualTo(v.action() == Action.DENY);
    }

    @Test
    void theOrderOfTheListsDoesNotMatter() {
        List<String> allow = List.of("10.0.0.0/8", "10.9.1.0/24", "192.0.2.0/24");
        List<String> deny = List.of("10.9.0.0/16", "192.0.2.128/25");
        for (int shift = 0; shift < 3; shift++) {
            List<String> a = rotate(allow, shift);
            List<String> d = rotate(deny, shift);
            SourcePolicy p = policy("deny", String.join(" ", a), String.join(" ", d), false);
            assertThat(p.decide(InetAddress.ofLiteral("10.9.1.1")).rule()).isEqualTo("allow 10.9.1.0/24");
            assertThat(p.decide(InetAddress.ofLiteral("10.9.2.1")).rule()).isEqualTo("deny 10.9.0.0/16");
            assertThat(p.decide(InetAddress.ofLiteral("192.0.2.200")).rule()).isEqualTo("deny 192.0.2.128/25");
            assertThat(p.decide(InetAddress.ofLiteral("192.0.2.1")).rule()).isEqualTo("allow 192.0.2.0/24");
        }
    }

    private static List<String> rotate(List<String> l, int by) {
        int n = by % l.size();
        return Stream.concat(l.subList(n, l.size()).stream(), l.subList(0, n).stream()).toList();
    }

    @Test
    void trustedSourcesMatchByPrefixAndIpv4MappedPeersAsIpv4() {
        TrustedSources t = TrustedSources.of(List.of(Prefix.parse("10.0.0.0/8"), Prefix.parse("::1/128")));
        assertThat(t.contains(InetAddress.ofLiteral("10.200.0.1"))).isTrue();
        assertThat(t.contains(InetAddress.ofLiteral("::ffff:10.200.0.1"))).isTrue();
        assertThat(t.contains(InetAddress.ofLiteral("::1"))).isTrue();
        assertThat(t.contains(InetAddress.ofLiteral("11.0.0.1"))).isFalse();
        assertThat(t.contains(InetAddress.ofLiteral("127.0.0.1"))).isFalse();
        assertThat(TrustedSources.of(List.of()).contains(InetAddress.ofLiteral("127.0.0.1"))).isFalse();
    }
}
