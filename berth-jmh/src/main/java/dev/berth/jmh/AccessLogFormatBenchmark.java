package dev.berth.jmh;

import dev.berth.proxy.accesslog.AccessLogFormat;
import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ConnectionInfo.Side;
import dev.berth.proxy.observe.ConnectionInfo.Termination;
import dev.berth.proxy.observe.ReasonCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link AccessLogFormat#format(ConnectionInfo)}: the one JSON line per connection, made at
 * close on the event loop (the writer thread only writes it). The record is a finished,
 * ordinary connection: one connect attempt, bytes both ways, downstream FIN first, reason DC;
 * {@code proxied} adds a PROXY-protocol client address (one more field formatted).
 */
@State(Scope.Thread)
public class AccessLogFormatBenchmark extends BenchmarkDefaults {

    @Param({"direct", "proxied"})
    public String client;

    private ConnectionInfo info;

    @Setup
    public void setUp() throws UnknownHostException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        info = new ConnectionInfo(
                123_456, "inbound", "local-app",
                new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 51234),
                new InetSocketAddress(loopback, 15001));
        if (client.equals("proxied")) {
            info.proxied(new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 40000),
                    new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 443));
        }
        info.attempt("127.0.0.1:8080");
        info.upstream("127.0.0.1:8080", new InetSocketAddress(loopback, 43210));
        info.addFromDownstream(1_234);
        info.addToDownstream(56_789);
        info.fin(Side.DOWNSTREAM);
        info.end(ReasonCode.DC, Termination.FIN, null);
        info.closed();
    }

    @Benchmark
    public String format() {
        return AccessLogFormat.format(info);
    }
}
