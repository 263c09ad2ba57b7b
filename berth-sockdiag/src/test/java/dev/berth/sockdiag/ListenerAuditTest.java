package dev.berth.sockdiag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.berth.ip.IpAddresses;
import dev.berth.ip.IpFamily;
import dev.berth.sockdiag.inetdiag.SocketDetail;
import dev.berth.sockdiag.procfs.PortRange;
import dev.berth.sockdiag.procfs.PortSet;
import dev.berth.sockdiag.procfs.ProcessRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exposure audit: bind classes, owners and severities from the {@code host-a} fixture and small snapshots. */
class ListenerAuditTest {

    @Test
    void everyListenerOfHostAClassifiedWithItsProcessMostExposedFirst() throws Exception {
        ListenersReport r = ListenerAudit.audit(Snapshots.hostA(Snapshots.noDetails()));
        assertThat(r.listeners()).extracting(l -> l.socket().transport().label() + " " + l.socket().local(),
                l -> l.bindClass().label(), l -> l.severity(),
                l -> l.processes().stream().map(ProcessRef::toString).toList()).containsExactly(
                tuple("tcp [::]:5432", "wildcard-ipv6", Severity.HIGH, List.of("555/redis-server")),
                tuple("tcp [::]:6379", "wildcard-ipv6", Severity.HIGH, List.of("555/redis-server")),
                tuple("udp 0.0.0.0:11211", "wildcard-ipv4", Severity.HIGH, List.of("999/memcached")),
                tuple("tcp 0.0.0.0:27017", "wildcard-ipv4", Severity.HIGH, List.of("4242/mongod")),
                tuple("tcp [fe80::1]:9200", "link-local", Severity.LOW, List.of()),
                tuple("tcp 0.0.0.0:40000", "wildcard-ipv4", Severity.LOW, List.of("777/java")),
                tuple("udp 127.0.0.53:53", "loopback", Severity.INFO, List.of()),
                tuple("udp [::]:5353", "wildcard-ipv6", Severity.INFO, List.of()),
                tuple("tcp 127.0.0.1:7100", "loopback", Severity.INFO, List.of("777/java")),
                tuple("tcp 127.0.0.1:8080", "loopback", Severity.INFO, List.of("777/java")),
                tuple("tcp [::1]:8080", "loopback", Severity.INFO, List.of("777/java")));
        assertThat(r.counts()).containsEntry(Severity.HIGH, 4).containsEntry(Severity.MEDIUM, 0)
                .containsEntry(Severity.LOW, 2).containsEntry(Severity.INFO, 5);
        assertThat(r.has(Severity.HIGH)).isTrue();
        Listener mongo = r.listeners().get(3);
        assertThat(mongo.service().service()).isEqualTo("MongoDB");
        assertThat(mongo.exposure()).containsExactly(IpFamily.IPV4);
        assertThat(mongo.message()).isEqualTo("MongoDB (27017/tcp) listens on every IPv4 interface (0.0.0.0:27017): a"
                + " database that answers whoever connects unless authorization is enabled");
        assertThat(mongo.advice()).startsWith("Bind it to 127.0.0.1 or a private address (net.bindIp;");
        assertThat(r.listeners().get(1).v6only()).isNull();
        assertThat(r.listeners().get(1).exposure()).containsExactly(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(r.notes()).singleElement().asString().startsWith("IPV6_V6ONLY unknown (a fixture)");
        Listener queue = r.listeners().get(8);
        assertThat(queue.queue()).isEqualTo(2);
        assertThat(queue.backlog()).isNull();
    }

    @Test
    void v6onlyFromTheKernelSplitsDualStackFromIpv6Only() throws Exception {
        var details = Snapshots.details(new SocketDetail(1101, false, 0, 511), new SocketDetail(1103, true, 0, 244));
        ListenersReport r = ListenerAudit.audit(Snapshots.hostA(details));
        Listener redis = r.listeners().stream().filter(l -> l.socket().localPort() == 6379).findFirst().orElseThrow();
        Listener postgres = r.listeners().stream().filter(l -> l.socket().localPort() == 5432).findFirst().orElseThrow();
        assertThat(redis.bindClass()).isEqualTo(BindClass.WILDCARD_DUAL_STACK);
        assertThat(redis.v6only()).isFalse();
        assertThat(redis.exposure()).containsExactly(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(redis.backlog()).isEqualTo(511);
        assertThat(redis.message()).startsWith("Redis (6379/tcp) listens on every IPv4 and IPv6 interface (dual-stack) ([::]:6379)");
        assertThat(postgres.bindClass()).isEqualTo(BindClass.WILDCARD_IPV6_ONLY);
        assertThat(postgres.exposure()).containsExactly(IpFamily.IPV6);
        assertThat(postgres.severity()).isEqualTo(Severity.HIGH);
        assertThat(r.notes()).isEmpty();
    }

    @Test
    void theSamePortOnLoopbackIsInfoOnASpecificAddressMedium() {
        Snapshot s = Snapshots.of(List.of(Snapshots.listen("127.0.0.1", 3306, 1), Snapshots.listen("10.0.0.3", 3306, 2),
                Snapshots.listen("::ffff:127.0.0.2", 6379, 3), Snapshots.listen("192.168.1.5", 8443, 4)),
                Snapshots.kernel(PortRange.KERNEL_DEFAULT, PortSet.EMPTY));
        ListenersReport r = ListenerAudit.audit(s);
        assertThat(r.listeners()).extracting(l -> l.socket().local(), Listener::bindClass, Listener::severity).containsExactly(
                tuple("10.0.0.3:3306", BindClass.SPECIFIC, Severity.MEDIUM),
                tuple("127.0.0.1:3306", BindClass.LOOPBACK, Severity.INFO),
                tuple("127.0.0.2:6379", BindClass.LOOPBACK, Severity.INFO),
                tuple("192.168.1.5:8443", BindClass.SPECIFIC, Severity.INFO));
        assertThat(r.listeners().getFirst().message()).isEqualTo("MySQL (3306/tcp) on 10.0.0.3:3306 (one address),"
                + " reachable from that address's network: a database listening for every network (bind_address defaults to *)");
        assertThat(r.has(Severity.HIGH)).isFalse();
        assertThat(r.has(Severity.MEDIUM)).isTrue();
        assertThat(r.listeners().get(1).advice()).isNull();
    }

    @Test
    void bindClassOfEveryKindOfAddress() {
        assertThat(BindClass.of(IpAddresses.forString("0.0.0.0"), null)).isEqualTo(BindClass.WILDCARD_IPV4);
        assertThat(BindClass.of(IpAddresses.forString("::"), false)).isEqualTo(BindClass.WILDCARD_DUAL_STACK);
        assertThat(BindClass.of(IpAddresses.forString("::"), true)).isEqualTo(BindClass.WILDCARD_IPV6_ONLY);
        assertThat(BindClass.of(IpAddresses.forString("::"), null)).isEqualTo(BindClass.WILDCARD_IPV6);
        assertThat(BindClass.of(IpAddresses.forString("127.8.9.10"), null)).isEqualTo(BindClass.LOOPBACK);
        assertThat(BindClass.of(IpAddresses.forString("::1"), null)).isEqualTo(BindClass.LOOPBACK);
        assertThat(BindClass.of(IpAddresses.forString("169.254.1.1"), null)).isEqualTo(BindClass.LINK_LOCAL);
        assertThat(BindClass.of(IpAddresses.forString("fe80::1"), null)).isEqualTo(BindClass.LINK_LOCAL);
        assertThat(BindClass.of(IpAddresses.forString("2001:db8::1"), null)).isEqualTo(BindClass.SPECIFIC);
    }

    @Test
    void theSensitivePortTableCoversTheUsualSuspects() {
        for (int port : new int[] {27017, 6379, 5432, 3306, 9200, 11211, 2379, 2375, 10250}) {
            assertThat(SensitivePorts.lookup(port)).as("port " + port).isPresent();
        }
        assertThat(SensitivePorts.lookup(11211, dev.berth.sockdiag.procfs.Transport.UDP)).isPresent();
        assertThat(SensitivePorts.lookup(6379, dev.berth.sockdiag.procfs.Transport.UDP)).isEmpty();
        assertThat(SensitivePorts.lookup(8080)).isEmpty();
        assertThat(SensitivePorts.all()).allSatisfy(p -> {
            assertThat(p.risk()).isNotBlank();
            assertThat(p.advice()).isNotBlank();
        });
    }
}
