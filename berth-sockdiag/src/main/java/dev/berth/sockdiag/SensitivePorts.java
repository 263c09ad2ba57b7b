package dev.berth.sockdiag;

import dev.berth.sockdiag.procfs.Transport;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The table of database and admin ports {@code diag listeners} flags on a wildcard address. Each
 * entry's default bind and risk come from the vendor's documentation (see the research notes);
 * ports whose defaults were not verified are left out rather than guessed.
 */
public final class SensitivePorts {

    private static final Set<Transport> TCP = Set.of(Transport.TCP);

    private static final Map<Integer, SensitivePort> TABLE = new TreeMap<>();

    static {
        add(27017, TCP, "MongoDB", "a database that answers whoever connects unless authorization is enabled",
                "bind it to 127.0.0.1 or a private address (net.bindIp; avoid --bind_ip_all) and enable authorization");
        add(6379, TCP, "Redis", "a cache whose clients can read and write every key and run CONFIG (protected mode only"
                + " helps when there is no bind and no password)", "bind 127.0.0.1 (the shipped redis.conf does) or a"
                + " private address, and set requirepass or ACLs");
        add(5432, TCP, "PostgreSQL", "a database listening for every network", "set listen_addresses to localhost (the"
                + " default) or the addresses that need it, and restrict pg_hba.conf");
        add(3306, TCP, "MySQL", "a database listening for every network (bind_address defaults to *)",
                "set bind_address to 127.0.0.1 or a private address and restrict accounts' hosts");
        add(33060, TCP, "MySQL X Protocol", "the X Plugin listening for every network (mysqlx_bind_address defaults to *)",
                "set mysqlx_bind_address, or disable the X Plugin if unused");
        add(9200, TCP, "Elasticsearch HTTP", "a search cluster's REST API, often without authentication",
                "keep network.host at _local_ or a private address and enable security (TLS, users)");
        add(9300, TCP, "Elasticsearch transport", "node-to-node traffic of a search cluster",
                "bind transport.host to the cluster network only");
        add(11211, Set.of(Transport.TCP, Transport.UDP), "Memcached", "an unauthenticated cache; over UDP a DDoS"
                + " amplifier (CVE-2018-1000115)", "start memcached with -l 127.0.0.1 (it binds every interface by"
                + " default) and keep UDP off (-U 0)");
        add(2379, TCP, "etcd client API", "the key-value store behind Kubernetes: every secret of the cluster",
                "listen on localhost or the control-plane network only, with client certificates");
        add(2380, TCP, "etcd peer API", "etcd cluster membership and replication", "listen on the peer network only,"
                + " with peer certificates");
        add(2375, TCP, "Docker Engine API (plaintext)", "unauthenticated control of the Docker daemon: root on the host",
                "do not expose it: use the Unix socket, or TLS on 2376 with client certificates, or SSH");
        add(10250, TCP, "kubelet API", "runs commands in every pod of the node; anonymous access is on unless disabled",
                "set --anonymous-auth=false and webhook authorization; keep it off public networks");
        add(10255, TCP, "kubelet read-only API", "unauthenticated read access to pods and node details",
                "disable it (--read-only-port=0)");
        add(15000, TCP, "Envoy/Istio admin", "the proxy's admin interface: configuration, draining, stats",
                "bind the admin interface to 127.0.0.1 only");
        add(1433, TCP, "Microsoft SQL Server", "a database listening for every network",
                "listen on the addresses that need it only, and firewall it");
    }

    private SensitivePorts() {}

    private static void add(int port, Set<Transport> transports, String service, String risk, String advice) {
        TABLE.put(port, new SensitivePort(port, transports, service, risk, advice));
    }

    /** The entry for {@code port} when it matters over {@code transport}. */
    public static Optional<SensitivePort> lookup(int port, Transport transport) {
        SensitivePort p = TABLE.get(port);
        return p != null && p.transports().contains(transport) ? Optional.of(p) : Optional.empty();
    }

    /** The entry for {@code port} over any transport. */
    public static Optional<SensitivePort> lookup(int port) {
        return Optional.ofNullable(TABLE.get(port));
    }

    /** Every entry, by port. */
    public static Collection<SensitivePort> all() {
        return TABLE.values();
    }
}
