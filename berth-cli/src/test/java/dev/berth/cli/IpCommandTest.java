package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.ip.IpAddresses;
import dev.berth.ip.probe.Ipv6ProbeReport;
import dev.berth.ip.probe.ProbeAnswer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code berth ip} as a pure transformation: arguments in, lines and an exit status out. */
class IpCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return BerthMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private List<String> outLines() {
        return out.toString().lines().toList();
    }

    @Test
    void expandAndCompressEachAddressOnItsLine() {
        assertThat(run("ip", "expand", "2001:db8::1", "10.0.0.1", "::ffff:1.2.3.4", "[fe80::1%eth0]")).isZero();
        assertThat(outLines()).containsExactly(
                "2001:0db8:0000:0000:0000:0000:0000:0001",
                "10.0.0.1",
                "0000:0000:0000:0000:0000:ffff:0102:0304",
                "fe80:0000:0000:0000:0000:0000:0000:0001%eth0");
        out.getBuffer().setLength(0);
        assertThat(run("ip", "compress", "2001:0DB8:0000:0000:0000:0000:0000:0001", "0:0:0:0:0:ffff:a00:1", "1:0:0:2:0:0:0:3"))
                .isZero();
        assertThat(outLines()).containsExactly("2001:db8::1", "::ffff:10.0.0.1", "1:0:0:2::3");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void infoOnAMappedAddressNamesTheEmbeddedIpv4AndItsClass() {
        assertThat(run("ip", "info", "::ffff:10.0.0.1")).isZero();
        assertThat(outLines()).containsExactly(
                "::ffff:10.0.0.1: IPv4-mapped IPv6, embeds 10.0.0.1 (private)",
                "  family     IPv6",
                "  canonical  ::ffff:10.0.0.1",
                "  expanded   0000:0000:0000:0000:0000:ffff:0a00:0001",
                "  uri        [::ffff:10.0.0.1]",
                "  class      IPv4-mapped IPv6 (::ffff:0:0/96, RFC 4291): an IPv4 address as a dual-stack IPv6 socket sees it; the traffic is IPv4",
                "  embeds     10.0.0.1: private (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, RFC 1918): routed within an organisation, not on the internet",
                "  reach      a private network or site, not the internet",
                "  global     no");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.1                              | 10.0.0.1: IPv4, private",
        "8.8.8.8                               | 8.8.8.8: IPv4, global",
        "127.0.0.1                             | 127.0.0.1: IPv4, loopback",
        "::1                                   | ::1: IPv6, loopback",
        "[::1]                                 | ::1: IPv6, loopback",
        "fe80::1%eth0                          | fe80::1%eth0: IPv6, link-local",
        "2001:db8::1                           | 2001:db8::1: IPv6, documentation",
        "ff0e::1                               | ff0e::1: IPv6, multicast, global",
        "2002:c000:204::1                      | 2002:c000:204::1: 6to4 IPv6, embeds 192.0.2.4 (documentation)",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2  | 2001:0:4136:e378:8000:63bf:3fff:fdd2: Teredo IPv6, embeds 192.0.2.45 (documentation)",
        "64:ff9b::8.8.8.8                      | 64:ff9b::808:808: NAT64 IPv6, embeds 8.8.8.8 (global)",
        "::10.0.0.1                            | ::a00:1: IPv4-compatible IPv6, embeds 10.0.0.1 (private)",
    })
    void infoSummaryLine(String address, String summary) {
        assertThat(run("ip", "info", address)).isZero();
        assertThat(outLines().get(0)).isEqualTo(summary);
    }

    @Test
    void infoShowsTheScope() {
        assertThat(run("ip", "info", "fe80::1%eth0")).isZero();
        assertThat(outLines()).contains("  scope      eth0", "  uri        [fe80::1%25eth0]", "  reach      the local network link only");
    }

    @Test
    void infoJsonIsOneObjectWithTheDocumentedFieldsInOrder() throws Exception {
        assertThat(run("ip", "info", "--json", "::ffff:10.0.0.1")).isZero();
        assertThat(outLines()).hasSize(1);
        JsonNode json = JSON.readTree(out.toString());
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("input", "family", "canonical", "expanded", "uri", "scope", "primary_class",
                "classes", "embedded_ipv4", "reach", "beyond_host", "global");
        assertThat(json.get("input").asText()).isEqualTo("::ffff:10.0.0.1");
        assertThat(json.get("family").asText()).isEqualTo("IPv6");
        assertThat(json.get("scope").isNull()).isTrue();
        assertThat(json.get("primary_class").asText()).isEqualTo("ipv4-mapped");
        assertThat(json.get("classes").get(0).get("name").asText()).isEqualTo("ipv4-mapped");
        assertThat(json.get("classes").get(0).get("meaning").asText()).startsWith("IPv4-mapped IPv6");
        JsonNode embedded = json.get("embedded_ipv4");
        assertThat(embedded.get("address").asText()).isEqualTo("10.0.0.1");
        assertThat(embedded.get("primary_class").asText()).isEqualTo("private");
        assertThat(embedded.get("reach").asText()).isEqualTo("private");
        assertThat(embedded.get("global").asBoolean()).isFalse();
        assertThat(json.get("reach").asText()).isEqualTo("private");
        assertThat(json.get("beyond_host").asBoolean()).isTrue();
        assertThat(json.get("global").asBoolean()).isFalse();
    }

    @Test
    void infoJsonKeepsTheInputAsTypedAndNullsWhatDoesNotApply() throws Exception {
        assertThat(run("ip", "info", "--json", "[2001:DB8::0001]")).isZero();
        JsonNode json = JSON.readTree(out.toString());
        assertThat(json.get("input").asText()).isEqualTo("[2001:DB8::0001]");
        assertThat(json.get("canonical").asText()).isEqualTo("2001:db8::1");
        assertThat(json.get("embedded_ipv4").isNull()).isTrue();
        assertThat(json.get("reach").asText()).isEqualTo("none");
        assertThat(json.get("beyond_host").asBoolean()).isFalse();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/8          | 10.1.2.3        | 0 | yes: 10.1.2.3 is in 10.0.0.0/8",
        "10.0.0.0/8          | 192.168.1.1     | 1 | no: 192.168.1.1 is not in 10.0.0.0/8",
        "10.0.0.0/8          | ::ffff:10.1.2.3 | 0 | yes: ::ffff:10.1.2.3 is in 10.0.0.0/8 (an IPv4-mapped address is matched as IPv4 10.1.2.3)",
        "::/0                | ::ffff:10.1.2.3 | 1 | no: ::ffff:10.1.2.3 is not in ::/0 (an IPv4-mapped address is matched as IPv4 10.1.2.3)",
        "::/0                | 10.1.2.3        | 1 | no: 10.1.2.3 is not in ::/0 (an IPv4 address; the prefix is IPv6)",
        "10.0.0.0/8          | ::1             | 1 | no: ::1 is not in 10.0.0.0/8 (an IPv6 address; the prefix is IPv4)",
        "2001:db8::/32       | 2001:db8:ffff::1| 0 | yes: 2001:db8:ffff::1 is in 2001:db8::/32",
        "fe80::/10           | fe80::1%eth0    | 0 | yes: fe80::1%eth0 is in fe80::/10",
        "192.0.2.7           | 192.0.2.7       | 0 | yes: 192.0.2.7 is in 192.0.2.7/32",
    })
    void containsAnswersWithALineAndTheExitStatus(String prefix, String address, int status, String line) {
        assertThat(run("ip", "contains", prefix, address)).isEqualTo(status);
        assertThat(outLines()).containsExactly(line);
        assertThat(err.toString()).isEmpty();
    }

    /** Bad input: exit 2, one line on stderr naming the command and quoting the value, nothing on stdout. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "ip info 999.1.1.1              | berth ip info: 999.1.1.1: not an IP address (part 999 is over 255)",
        "ip info example.com            | berth ip info: example.com: not an IP address (expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved)",
        "ip info 010.0.0.1              | berth ip info: 010.0.0.1: not an IP address (leading zero in part 010, which legacy parsers read as octal 8; write 10 or 8, whichever is meant)",
        "ip info ::1:80:                | berth ip info: ::1:80:: not an IP address (ends with a single ':')",
        "ip info                        | berth ip info: Missing required parameter: 'ADDR' (see 'berth ip info --help')",
        "ip info --json                 | berth ip info: Missing required parameter: 'ADDR' (see 'berth ip info --help')",
        "ip expand 10.1                 | berth ip expand: 10.1: not an IP address (only 2 parts, which legacy parsers read as 10.0.0.1; expected: four dotted decimal parts)",
        "ip compress 1::2::3            | berth ip compress: 1::2::3: not an IP address (more than one '::'; it may stand for only one run of zero groups)",
        "ip expand                      | berth ip expand: Missing required parameter: 'ADDR' (see 'berth ip expand --help')",
        "ip contains 10.0.0.1/8 10.0.0.2 | berth ip contains: 10.0.0.1/8: host bits are set (expected: the network address, 10.0.0.0/8)",
        "ip contains 10.0.0.0/33 10.0.0.2 | berth ip contains: 10.0.0.0/33: prefix length 33 is out of range (expected: 0-32 for IPv4)",
        "ip contains 10.0.0.0/8 10.0.0.256 | berth ip contains: 10.0.0.256: not an IP address (part 256 is over 255)",
        "ip contains 10.0.0.0/8         | berth ip contains: Missing required parameter: 'ADDR' (see 'berth ip contains --help')",
        "ip probe --frobnicate          | berth ip probe: Unknown option: '--frobnicate' (see 'berth ip probe --help')",
        "ip frobnicate                  | berth ip: Unmatched argument at index 1: 'frobnicate' (see 'berth ip --help')",
    })
    void badInputExitsTwoWithOneLine(String args, String expected) {
        assertThat(run(args.split(" "))).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo(expected);
        assertThat(err.toString()).doesNotContain("Exception", "\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void probeGivesThreeAnswersAndExitsZero() throws Exception {
        assertThat(run("ip", "probe")).isZero();
        List<String> lines = outLines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("IPv6 sockets  (yes|no )  .+");
        assertThat(lines.get(1)).matches("bind \\[::1]    (yes|no )  .+");
        assertThat(lines.get(2)).matches("global IPv6   (yes|no )  .+");

        out.getBuffer().setLength(0);
        assertThat(run("ip", "probe", "--json")).isZero();
        JsonNode json = JSON.readTree(out.toString());
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("sockets", "loopback", "global");
        for (String f : fields) {
            assertThat(json.get(f).get("ok").isBoolean()).isTrue();
            assertThat(json.get(f).get("reason").asText()).isNotBlank();
        }
    }

    @Test
    void probeTextFormat() {
        Ipv6ProbeReport report = new Ipv6ProbeReport(
                new ProbeAnswer(true, "AF_INET6 sockets can be created"),
                new ProbeAnswer(true, "bound a TCP socket to [::1]:40001 (and closed it)"),
                new ProbeAnswer(false, "no global IPv6 address (only ::1 on lo and fe80::1 on eth0)"));
        assertThat(IpProbeCommand.text(report)).containsExactly(
                "IPv6 sockets  yes  AF_INET6 sockets can be created",
                "bind [::1]    yes  bound a TCP socket to [::1]:40001 (and closed it)",
                "global IPv6   no   no global IPv6 address (only ::1 on lo and fe80::1 on eth0)");
        assertThat(IpJson.probe(report)).isEqualTo("{\"sockets\":{\"ok\":true,\"reason\":\"AF_INET6 sockets can be created\"},"
                + "\"loopback\":{\"ok\":true,\"reason\":\"bound a TCP socket to [::1]:40001 (and closed it)\"},"
                + "\"global\":{\"ok\":false,\"reason\":\"no global IPv6 address (only ::1 on lo and fe80::1 on eth0)\"}}");
    }

    @Test
    void helpListsTheSubcommands() {
        assertThat(run("ip", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: berth ip", "expand", "compress", "info", "contains", "probe");
        out.getBuffer().setLength(0);
        assertThat(run("ip")).isZero();
        assertThat(out.toString()).contains("Usage: berth ip");
        out.getBuffer().setLength(0);
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("  ip ");
        out.getBuffer().setLength(0);
        assertThat(run("ip", "contains", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: berth ip contains", "PREFIX", "ADDR", "1   not inside");
    }

    @Test
    void summaryUsesTheCanonicalForm() {
        assertThat(IpInfoCommand.summary(IpAddresses.forString("::FFFF:a00:1"))).isEqualTo("IPv4-mapped IPv6, embeds 10.0.0.1 (private)");
    }
}
