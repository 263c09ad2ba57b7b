package dev.berth.proxy.portpressure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.proxy.observe.ConnectFailure;
import dev.berth.proxy.observe.ConnectionInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Only connects that failed for want of a port are counted, per cluster and endpoint. */
class PortExhaustionObserverTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PortExhaustionObserver observer = new PortExhaustionObserver(registry);

    private static ConnectionInfo failed(String cluster, ConnectFailure cause) {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 40000);
        ConnectionInfo info = new ConnectionInfo(1, "in", cluster, a, new InetSocketAddress("127.0.0.1", 15001));
        info.connectFailed(cause);
        return info;
    }

    private double count(String cluster, String endpoint) {
        Counter c = registry.find("upstream.cx.ports.exhausted").tags("cluster", cluster, "endpoint", endpoint).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void portsExhaustedIsCountedPerEndpointOtherCausesAreNot() {
        for (int i = 0; i < 3; i++) {
            observer.upstreamConnectFailed(failed("a", ConnectFailure.PORTS_EXHAUSTED), "127.0.0.1:7001", false);
        }
        observer.upstreamConnectFailed(failed("a", ConnectFailure.PORTS_EXHAUSTED), "127.0.0.1:7002", false);
        observer.upstreamConnectFailed(failed("a", ConnectFailure.REFUSED), "127.0.0.1:7003", false);
        observer.upstreamConnectFailed(failed("a", ConnectFailure.SOURCE_UNAVAILABLE), "127.0.0.1:7003", false);
        observer.upstreamConnectFailed(failed("b", ConnectFailure.TIMEOUT), "127.0.0.1:7001", true);

        assertThat(count("a", "127.0.0.1:7001")).isEqualTo(3);
        assertThat(count("a", "127.0.0.1:7002")).isEqualTo(1);
        assertThat(registry.find("upstream.cx.ports.exhausted").counters()).hasSize(2);
    }
}
