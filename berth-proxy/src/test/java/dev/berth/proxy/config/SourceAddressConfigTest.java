package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code clusters[].source_address}: what is accepted, the exact error for what is not, and the dump. */
class SourceAddressConfigTest {

    private static String config(String cluster) {
        return """
                listeners:
                  - {name: in, address: 127.0.0.1:15001, cluster: app}
                clusters:
                  - name: app
                """ + cluster;
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("a name", """
                            endpoints: [10.0.0.1:80]
                            source_address: egress.local
                        """,
                        "berth.yaml:6:21: clusters[0].source_address: 'egress.local' is not an IP address (expected: one of this"
                                + " host's addresses, such as 10.0.0.5 or 2001:db8::5; names are not resolved)"),
                Arguments.of("an address with a port", """
                            endpoints: [10.0.0.1:80]
                            source_address: 10.0.0.5:0
                        """,
                        "berth.yaml:6:21: clusters[0].source_address: '10.0.0.5:0' has a port (expected: an IP address alone,"
                                + " such as 10.0.0.5; the port is chosen for each destination when connecting)"),
                Arguments.of("a bracketed IPv6 address with a port", """
                            endpoints: ["[2001:db8::1]:80"]
                            source_address: "[2001:db8::5]:4000"
                        """,
                        "berth.yaml:6:21: clusters[0].source_address: '[2001:db8::5]:4000' has a port (expected: an IP address"
                                + " alone, such as 2001:db8::5; the port is chosen for each destination when connecting)"),
                Arguments.of("the IPv4 wildcard", """
                            endpoints: [10.0.0.1:80]
                            source_address: 0.0.0.0
                        """,
                        "berth.yaml:6:21: clusters[0].source_address: 0.0.0.0 is the wildcard address (expected: one of this"
                                + " host's addresses; leave source_address out to let the kernel choose)"),
                Arguments.of("the IPv6 wildcard", """
                            endpoints: ["[2001:db8::1]:80"]
                            source_address: "::"
                        """,
                        "berth.yaml:6:21: clusters[0].source_address: :: is the wildcard address (expected: one of this"
                                + " host's addresses; leave source_address out to let the kernel choose)"),
                Arguments.of("multicast", """
                            endpoints: [10.0.0.1:80]
                            source_address: 224.0.0.1
                        """,
                        "berth.yaml:6:21: clusters[0].source_address: 224.0.0.1 is a multicast address (expected: one of this"
                                + " host's unicast addresses)"),
                Arguments.of("broadcast", """
                            endpoints: [10.0.0.1:80]
                            source_address: 255.255.255.255
                        """,
                        "berth.yaml:6:21: clusters[0].source_address: 255.255.255.255 is a broadcast address (expected: one"
                                + " of this host's unicast addresses)"),
                Arguments.of("a static endpoint of the other family", """
                            endpoints: [10.0.0.1:80, "[2001:db8::1]:80", "[2001:db8::2]:80"]
                            source_address: 10.0.0.5
                        """,
                        "berth.yaml:6:21: clusters[0].source_address: 10.0.0.5 is IPv4 but endpoints [2001:db8::1]:80,"
                                + " [2001:db8::2]:80 are not (expected: endpoints of the source address's family; put the"
                                + " others in a cluster of their own)"),
                Arguments.of("an IPv6 source for an IPv4 endpoint", """
                            endpoints: [10.0.0.1:80]
                            source_address: 2001:db8::5
                        """,
                        "berth.yaml:6:21: clusters[0].source_address: 2001:db8::5 is IPv6 but endpoint 10.0.0.1:80 is not"
                                + " (expected: endpoints of the source address's family; put the others in a cluster of their own)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadSourceAddressIsReportedAtItsPlace(String what, String cluster, String expected) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(config(cluster), "berth.yaml"));
        assertThat(e).as("no error for %s", what).isNotNull();
        assertThat(e.getMessage()).isEqualTo(expected);
    }

    @Test
    void absentMeansTheKernelChoosesAndTheDumpLeavesItOut() {
        ProxyConfig c = ConfigLoader.parse(config("    endpoints: [10.0.0.1:80]\n"), "berth.yaml");
        assertThat(c.clusters().getFirst().sourceAddress()).isNull();
        assertThat(ConfigDump.toYaml(c)).doesNotContain("source_address");
    }

    @Test
    void anIpv6SourceIsKeptAndDumpedSoThatTheDumpLoadsAgain() {
        ProxyConfig c = ConfigLoader.parse(config("""
                    endpoints: ["[2001:db8::1]:80"]
                    source_address: "[2001:DB8:0::5]"
                """), "berth.yaml");
        assertThat(c.clusters().getFirst().sourceAddress()).isEqualTo(InetAddress.ofLiteral("2001:db8::5"));
        String dump = ConfigDump.toYaml(c);
        assertThat(dump).contains("source_address: 2001:db8::5");
        assertThat(ConfigLoader.parse(dump, "dump.yaml")).isEqualTo(c);
        assertThat(ConfigLoader.parse(ConfigDump.toJson(c), "dump.json")).isEqualTo(c);
    }

    @Test
    void underDnsDiscoveryEitherFamilyIsAcceptedBecauseANameMayAnswerWithBoth() {
        ProxyConfig c = ConfigLoader.parse(config("""
                    discovery: dns
                    endpoints: [backend.internal:80, "[2001:db8::1]:80"]
                    source_address: 10.0.0.5
                """), "berth.yaml");
        assertThat(c.clusters().getFirst().sourceAddress()).isEqualTo(InetAddress.ofLiteral("10.0.0.5"));
    }
}
