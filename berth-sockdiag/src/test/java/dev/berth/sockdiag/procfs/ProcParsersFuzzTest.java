package dev.berth.sockdiag.procfs;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.ip.IpFamily;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Jazzer fuzz tests of every procfs parser: whatever the text, no exception escapes, every
 * problem is one line starting with the file name and a line number that exists, and whatever
 * is accepted is within its type's bounds.
 *
 * <p>A plain {@code mvn test} replays the stored inputs under
 * {@code src/test/resources/dev/berth/sockdiag/procfs/ProcParsersFuzzTestInputs/}; fuzzing for real:
 * {@code JAZZER_FUZZ=1 ./mvnw test -pl berth-sockdiag -Dtest='ProcParsersFuzzTest#socketTable'}.
 */
class ProcParsersFuzzTest {

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    private static void checkProblems(List<String> problems, String file, String text) {
        int lines = text.split("\n", -1).length;
        for (String p : problems) {
            check(p.indexOf('\n') < 0 && p.indexOf('\r') < 0, "problem is not one line: " + p);
            check(p.startsWith(file + " line "), "problem does not name the file and line: " + p);
            String number = p.substring((file + " line ").length(), p.indexOf(':', (file + " line ").length()));
            int n = Integer.parseInt(number);
            check(n >= 1 && n <= lines, "line " + n + " does not exist: " + p);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void socketTable(FuzzedDataProvider data) {
        boolean v6 = data.consumeBoolean();
        boolean udp = data.consumeBoolean();
        ByteOrder order = data.consumeBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String text = data.consumeRemainingAsString();
        ParseResult<List<SocketEntry>> r = SocketTable.parse(text, udp ? Transport.UDP : Transport.TCP,
                v6 ? IpFamily.IPV6 : IpFamily.IPV4, order, "tcp");
        checkProblems(r.problems(), "tcp", text);
        for (SocketEntry s : r.value()) {
            check(s.localPort() >= 0 && s.localPort() <= 65535 && s.remotePort() >= 0 && s.remotePort() <= 65535, "port " + s);
            check(s.state() != null && s.inode() >= 0 && s.uid() >= 0, "fields " + s);
            check(v6 || (s.localAddress().isIpv4() && s.remoteAddress().isIpv4()), "IPv4 table gave IPv6 " + s);
            check(!s.localAddress().isIpv4Mapped(), "mapped address not unmapped " + s);
            s.toString();
            s.isListening();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void counters(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        ParseResult<Counters> r = Counters.parse(text, "netstat");
        checkProblems(r.problems(), "netstat", text);
        r.value().asMap().keySet().forEach(k -> check(!k.isEmpty() && k.indexOf(' ') < 0, "name " + k));
    }

    @FuzzTest(maxDuration = "30s")
    void sysctlValues(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            PortRange r = PortRange.parse(text);
            check(r.low() <= r.high() && r.size() >= 1 && r.size() <= 65536, "range " + r);
            check(PortRange.parse(r.low() + " " + r.high()).equals(r), "round trip " + r);
        } catch (IllegalArgumentException e) {
            check(e.getMessage() != null && e.getMessage().indexOf('\n') < 0, "message " + e.getMessage());
        }
        try {
            PortSet s = PortSet.parse(text);
            check(PortSet.parse(s.toString()).equals(s), "round trip " + s);
        } catch (IllegalArgumentException e) {
            check(e.getMessage() != null && e.getMessage().indexOf('\n') < 0, "message " + e.getMessage());
        }
        Long[] limits = ProcessFds.openFileLimits(text);
        check(limits.length == 2, "limits");
    }
}
