package dev.berth.ip;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.ip.probe.IfInet6Entry;
import dev.berth.ip.probe.Ipv6RouteEntry;

/**
 * Jazzer fuzz tests of every parser: whatever the input, the only exception is the documented
 * {@link InvalidAddressException}, its message is one line starting with the quoted input, and
 * whatever is accepted formats back to text that parses to the same value.
 *
 * <p>A plain {@code mvn test} replays the stored inputs under
 * {@code src/test/resources/dev/berth/ip/IpParsersFuzzTestInputs/}; fuzzing for real:
 * {@code JAZZER_FUZZ=1 ./mvnw test -pl berth-ip -Dtest='IpParsersFuzzTest#ipLiteral'}.
 */
class IpParsersFuzzTest {

    private static void checkRejection(InvalidAddressException e, String input) {
        String message = e.getMessage();
        if (!message.startsWith(Inputs.quote(input) + ": ")) {
            throw new AssertionError("message does not start with the input: " + message);
        }
        if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
            throw new AssertionError("message is not one line: " + message);
        }
        if (!e.input().equals(input) && !(input.isEmpty() && e.input() == null)) {
            throw new AssertionError("input() is not the input: " + e.input());
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void ipLiteral(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        IpAddress a;
        try {
            a = IpAddresses.forString(text);
        } catch (InvalidAddressException e) {
            checkRejection(e, text);
            check(!IpAddresses.isIpLiteral(text), "isIpLiteral disagrees with forString on " + text);
            return;
        }
        check(IpAddresses.isIpLiteral(text), "isIpLiteral disagrees with forString on " + text);
        check(IpAddresses.forString(a.toCanonicalString()).equals(a), "canonical round trip of " + text);
        check(IpAddresses.forString(a.toExpandedString()).equals(a), "expanded round trip of " + text);
        check(IpAddresses.forUriString(a.toUriString()).equals(a), "URI round trip of " + text);
        check(!a.classes().isEmpty(), "no class for " + text);
        a.reach();
        a.embeddedIpv4();
    }

    @FuzzTest(maxDuration = "30s")
    void uriHost(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            IpAddress a = IpAddresses.forUriString(text);
            check(a.toUriString().equals(IpAddresses.forUriString(a.toUriString()).toUriString()), "URI round trip of " + text);
        } catch (InvalidAddressException e) {
            checkRejection(e, text);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void hostAndPort(FuzzedDataProvider data) {
        boolean allowZero = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        HostAndPort hp;
        try {
            hp = HostAndPort.parse(text, allowZero);
        } catch (InvalidAddressException e) {
            checkRejection(e, text);
            return;
        }
        check(HostAndPort.parse(hp.toString(), allowZero).equals(hp), "round trip of " + text);
        check(hp.port() >= (allowZero ? 0 : 1) && hp.port() <= 65535, "port range of " + text);
        check(hp.isName() == hp.ip().isEmpty(), "name or address: " + text);
    }

    @FuzzTest(maxDuration = "60s")
    void prefix(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Prefix p;
        try {
            p = Prefix.parse(text);
        } catch (InvalidAddressException e) {
            checkRejection(e, text);
            return;
        }
        check(Prefix.parse(p.toString()).equals(p), "round trip of " + text);
        check(p.contains(p.network()), "a prefix contains its network: " + text);
        PrefixMap<String> map = PrefixMap.<String>builder().put(p, "x").build();
        check(map.longestMatch(p.network()).isPresent(), "map finds the network of " + text);
    }

    @FuzzTest(maxDuration = "30s")
    void procNetTables(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        IfInet6Entry.parse(text).forEach(IfInet6Entry::toString);
        Ipv6RouteEntry.parse(text).forEach(Ipv6RouteEntry::toString);
    }
}
