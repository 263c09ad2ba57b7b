package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad configurations and the exact message a user sees for each: every error, in file order,
 * as {@code file:line:column: path: message}. The messages are part of the product; change
 * them here on purpose.
 */
class ConfigErrorsTest {

    static Stream<Arguments> badConfigs() {
        return Stream.of(
            row("endpoint port out of range", """
                    listeners:
                      - {name: in, address: 0.0.0.0:15001, cluster: b}
                    clusters:
                      - name: a
                        endpoints: [10.0.0.1:80]
                      - name: b
                        endpoints:
                          - 10.0.0.2:70000
                    """,
                    "berth.yaml:8:9: clusters[1].endpoints[0]: port 70000 (expected: 1-65535)"),
            row("listener port 0", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:0
                        cluster: app
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:3:14: listeners[0].address: port 0 (expected: 1-65535)"),
            row("bind address is a name", """
                    listeners:
                      - name: in
                        address: localhost:15001
                        cluster: app
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:3:14: listeners[0].address: localhost: not an IP address (expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved)"),
            row("IPv6 listener without brackets", """
                    listeners:
                      - name: in
                        address: 2001:db8::1:15001
                        cluster: app
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:3:14: listeners[0].address: '2001:db8::1:15001': an IPv6 address needs brackets before the port, as in [2001:db8::1]:15001"),
            row("address without a port", """
                    listeners:
                      - name: in
                        address: 127.0.0.1
                        cluster: app
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:3:14: listeners[0].address: '127.0.0.1' has no port (expected: host:port, such as 127.0.0.1:8080)"),
            row("unknown field with a suggestion", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        idle_timout: 5m
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:5:5: listeners[0].idle_timout: unknown field 'idle_timout', did you mean 'idle_timeout'? (expected one of: name, address, cluster, backlog, idle_timeout, max_connection_duration, buffer_bytes, tcp_no_delay, access_log, proxy_protocol, trusted_sources, proxy_protocol_timeout, policy, zero_copy)"),
            row("unknown field without a suggestion", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        retries: 3
                    """,
                    "berth.yaml:8:5: clusters[0].retries: unknown field 'retries' (expected one of: name, discovery, endpoints, lb, connect_timeout, max_connections, connect_attempts, dns_refresh, max_pending, panic_threshold, endpoint_removal_grace, proxy_protocol, source_address, health_check, outlier_detection)"),
            row("unknown top-level field", """
                    listener:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    """
                    berth.yaml:1:1: listener: unknown field 'listener', did you mean 'listeners'? (expected one of: admin, listeners, clusters, shutdown)
                    berth.yaml:1:1: missing required field 'listeners'"""),
            row("a list where a string belongs", """
                    listeners:
                      - name: [in, out]
                        address: 127.0.0.1:15001
                        cluster: app
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:2:11: listeners[0].name: expected a string, got a list"),
            row("a string where a list belongs", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: 127.0.0.1:8080
                    """,
                    "berth.yaml:5:16: clusters[0].endpoints: expected a list, got a string"),
            row("a string where a mapping belongs", """
                    admin: 127.0.0.1:15000
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:1:8: admin: expected a mapping with address, got a string"),
            row("duration with a fraction", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        connect_timeout: 1.5s
                    """,
                    "berth.yaml:6:22: clusters[0].connect_timeout: 1.5s: not a duration (expected: a whole number with a unit, such as 250ms, 5s, 1m, 1h; or 0)"),
            row("connect timeout zero", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        connect_timeout: 0
                    """,
                    "berth.yaml:6:22: clusters[0].connect_timeout: 0 (expected: > 0)"),
            row("dns refresh below one second", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        discovery: dns
                        endpoints: [app.internal:8080]
                        dns_refresh: 500ms
                    """,
                    "berth.yaml:7:18: clusters[0].dns_refresh: 500ms (expected: at least 1s)"),
            row("duration above a year", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        idle_timeout: 9000h
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:5:19: listeners[0].idle_timeout: 9000h (expected: at most 8760h)"),
            row("duplicate listener names", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                      - {name: in, address: 127.0.0.1:15002, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:3:12: listeners[1].name: 'in' is already the name of listeners[0]"),
            row("duplicate cluster names", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                      - {name: app, endpoints: [127.0.0.1:8081]}
                    """,
                    "berth.yaml:5:12: clusters[1].name: 'app' is already the name of clusters[0]"),
            row("listener names a missing cluster", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: payments
                    clusters:
                      - {name: local-app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:4:14: listeners[0].cluster: no cluster named 'payments' (clusters: local-app)"),
            row("two listeners on one address", """
                    listeners:
                      - {name: a, address: 127.0.0.1:15001, cluster: app}
                      - {name: b, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:3:24: listeners[1].address: 127.0.0.1:15001 is already used by listener 'a'"),
            row("IPv6 wildcard overlaps an IPv4 listener", """
                    listeners:
                      - {name: all, address: "[::]:15001", cluster: app}
                      - {name: lo, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:3:25: listeners[1].address: 127.0.0.1:15001 overlaps [::]:15001 of listener 'all' ([::] takes the port for IPv4 too)"),
            row("listener wildcard overlaps the admin address", """
                    admin:
                      address: 127.0.0.1:15000
                    listeners:
                      - {name: in, address: 0.0.0.0:15000, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:4:25: listeners[0].address: 0.0.0.0:15000 overlaps 127.0.0.1:15000 of the admin server (a wildcard address takes the port on every interface)"),
            row("policy prefixes that are not prefixes", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        policy:
                          default: deny
                          allow: [10.0.0.1/8, 10.0.0.0/33, 10.0.0.0/x, example.com, ~, "fe80::/10"]
                          deny: [192.0.2.0/24, 192.0.2.0/24, "::ffff:10.0.0.0/104", 10.0.0.0/8]
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    """
                    berth.yaml:7:15: listeners[0].policy.allow[0]: 10.0.0.1/8: host bits are set (expected: the network address, 10.0.0.0/8)
                    berth.yaml:7:27: listeners[0].policy.allow[1]: 10.0.0.0/33: prefix length 33 is out of range (expected: 0-32 for IPv4)
                    berth.yaml:7:40: listeners[0].policy.allow[2]: 10.0.0.0/x: prefix length x is not a number (expected: 0-32 for IPv4)
                    berth.yaml:7:52: listeners[0].policy.allow[3]: example.com: not a prefix (expected: an IPv4 or IPv6 literal such as 127.0.0.1 or ::1; names are not resolved)
                    berth.yaml:7:65: listeners[0].policy.allow[4]: expected a prefix such as 10.0.0.0/8 or 2001:db8::/32, got nothing
                    berth.yaml:8:28: listeners[0].policy.deny[1]: 192.0.2.0/24 is listed twice (first as deny[0])
                    berth.yaml:8:65: listeners[0].policy.deny[3]: 10.0.0.0/8 is listed twice (first as deny[2])"""),
            row("policy fields and values", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        policy:
                          defualt: deny
                          default: reject
                          allow: 10.0.0.0/8
                          shadow: yes
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    """
                    berth.yaml:6:7: listeners[0].policy.defualt: unknown field 'defualt', did you mean 'default'? (expected one of: default, allow, deny, shadow)
                    berth.yaml:7:16: listeners[0].policy.default: 'reject' is not one of allow, deny
                    berth.yaml:8:14: listeners[0].policy.allow: expected a list, got a string
                    berth.yaml:9:15: listeners[0].policy.shadow: 'yes' (expected: true or false)"""),
            row("policy written as a list", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        policy: [10.0.0.0/8]
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:5:13: listeners[0].policy: expected a mapping with default, allow, deny, ..., got a list"),
            row("proxy_protocol accept without trusted_sources", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        proxy_protocol: accept
                      - name: in2
                        address: 127.0.0.1:15002
                        cluster: app
                        proxy_protocol: accept
                        trusted_sources: []
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    """
                    berth.yaml:5:21: listeners[0].proxy_protocol: accept needs trusted_sources: the prefixes of the load balancers whose headers are believed (such as [10.0.0.0/8])
                    berth.yaml:10:22: listeners[1].trusted_sources: empty (expected: at least one prefix when proxy_protocol is accept)"""),
            row("trusted_sources without proxy_protocol accept", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        trusted_sources: [10.0.0.0/8, 10.0.0.0/8]
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    """
                    berth.yaml:5:22: listeners[0].trusted_sources: only used with proxy_protocol: accept (set it, or remove trusted_sources)
                    berth.yaml:5:35: listeners[0].trusted_sources[1]: 10.0.0.0/8 is listed twice (first as trusted_sources[0])"""),
            row("proxy_protocol values belong to their side", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        proxy_protocol: v2
                        proxy_protocol_timeout: 0
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        proxy_protocol: accept
                    """,
                    """
                    berth.yaml:5:21: listeners[0].proxy_protocol: 'v2' is not one of none, accept
                    berth.yaml:6:29: listeners[0].proxy_protocol_timeout: 0 (expected: > 0)
                    berth.yaml:10:21: clusters[0].proxy_protocol: 'accept' is not one of none, v1, v2"""),
            row("YAML syntax error: indentation", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                       cluster: app
                    clusters: []
                    """,
                    "berth.yaml:4:4: YAML syntax error: expected <block end>, but found '<block mapping start>' (while parsing a block collection)"),
            row("YAML syntax error: tab", """
                    listeners:
                    \t- name: in
                    """,
                    "berth.yaml:2:1: YAML syntax error: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation) (while scanning for the next token)"),
            row("zero_copy is one of three words", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app, zero_copy: sometimes}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                    """,
                    "berth.yaml:2:67: listeners[0].zero_copy: 'sometimes' is not one of off, auto, always"),
            row("lb with a dash", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        lb: round-robin
                    """,
                    "berth.yaml:6:9: clusters[0].lb: 'round-robin' is not one of round_robin, least_connections, random, ring_hash (did you mean 'round_robin'?)"),
            row("enum in upper case", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        discovery: DNS
                        endpoints: [127.0.0.1:8080]
                    """,
                    "berth.yaml:5:16: clusters[0].discovery: 'DNS' is not one of static, dns (did you mean 'dns'?)"),
            row("host name under static discovery", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [app.internal:8080]
                    """,
                    "berth.yaml:5:17: clusters[0].endpoints[0]: 'app.internal' is a host name; static discovery needs IP addresses (set discovery: dns to resolve names)"),
            row("invalid host names under dns discovery", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        discovery: dns
                        endpoints: ["app_internal!:8080", 10.0.0.256:80]
                    """,
                    """
                    berth.yaml:6:17: clusters[0].endpoints[0]: 'app_internal!' is neither an IP address nor a host name
                    berth.yaml:6:39: clusters[0].endpoints[1]: '10.0.0.256' is neither an IP address nor a host name"""),
            row("weights out of range and not a number", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints:
                          - {address: 127.0.0.1:8080, weight: 1001}
                          - {address: 127.0.0.1:8081, weight: heavy}
                    """,
                    """
                    berth.yaml:6:43: clusters[0].endpoints[0].weight: 1001 (expected: 1-1000)
                    berth.yaml:7:43: clusters[0].endpoints[1].weight: 'heavy' is not a whole number (expected: 1-1000)"""),
            row("backlog not a number", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        backlog: lots
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:5:14: listeners[0].backlog: 'lots' is not a whole number (expected: 1-65535)"),
            row("buffer too small", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        buffer_bytes: 2KiB
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:5:19: listeners[0].buffer_bytes: 2KiB (expected: 4096-16777216 bytes, or with a unit: 4KiB-16MiB)"),
            row("yes is not a boolean", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        tcp_no_delay: yes
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:5:19: listeners[0].tcp_no_delay: 'yes' (expected: true or false)"),
            row("access log is a directory", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        access_log: /var/log/berth/
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:5:17: listeners[0].access_log: '/var/log/berth/' is a directory (expected: a file path such as /var/log/berth/access.log)"),
            row("missing required fields", """
                    listeners:
                      - name: in
                    clusters:
                      - name: app
                    """,
                    """
                    berth.yaml:2:5: listeners[0]: missing required field 'address'
                    berth.yaml:2:5: listeners[0]: missing required field 'cluster'
                    berth.yaml:4:5: clusters[0]: missing required field 'endpoints'"""),
            row("empty lists", """
                    listeners: []
                    clusters:
                      - name: app
                        endpoints: []
                    """,
                    """
                    berth.yaml:1:12: listeners: an empty list (expected: at least one listener)
                    berth.yaml:4:16: clusters[0].endpoints: an empty list (expected: at least one endpoint)"""),
            row("empty file", "",
                    "berth.yaml:1:1: empty configuration (expected: listeners and clusters; without --config the built-in sidecar runs)"),
            row("empty mapping", """
                    {}
                    """,
                    """
                    berth.yaml:1:1: missing required field 'listeners'
                    berth.yaml:1:1: missing required field 'clusters'"""),
            row("many errors in one file, reported together in file order", """
                    admin:
                      address: 0.0.0.0:99999
                    listeners:
                      - name: inbound
                        address: 0.0.0.0:15001
                        cluster: local-ap
                        idle_timeout: forever
                      - name: inbound
                        address: "::1:15002"
                        cluster: local-app
                    clusters:
                      - name: local-app
                        endpoints: [127.0.0.1:8080, 10.0.0.1:70000]
                        lb: fastest
                        connect_attempts: 0
                    shutdown:
                      drain_timout: 10s
                    """,
                    """
                    berth.yaml:2:12: admin.address: port 99999 (expected: 1-65535)
                    berth.yaml:6:14: listeners[0].cluster: no cluster named 'local-ap' (clusters: local-app)
                    berth.yaml:7:19: listeners[0].idle_timeout: forever: not a duration (expected: a whole number with a unit, such as 250ms, 5s, 1m, 1h; or 0)
                    berth.yaml:8:11: listeners[1].name: 'inbound' is already the name of listeners[0]
                    berth.yaml:9:14: listeners[1].address: '::1:15002': an IPv6 address needs brackets before the port, as in [::1]:15002
                    berth.yaml:13:33: clusters[0].endpoints[1]: port 70000 (expected: 1-65535)
                    berth.yaml:14:9: clusters[0].lb: 'fastest' is not one of round_robin, least_connections, random, ring_hash
                    berth.yaml:15:23: clusters[0].connect_attempts: 0 (expected: 1-10)
                    berth.yaml:17:3: shutdown.drain_timout: unknown field 'drain_timout', did you mean 'drain_timeout'? (expected one of: accept_grace, drain_timeout)"""),
            row("a key given twice", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        address: 127.0.0.1:15002
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:5:5: listeners[0].address: duplicate field 'address' (first at line 3)"),
            row("YAML alias", """
                    listeners:
                      - {name: in, address: &addr 127.0.0.1:15001, cluster: app}
                      - {name: out, address: *addr, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:3:26: listeners[1].address: YAML alias *addr is not supported (write the value out)"),
            row("connect attempts and max connections out of range", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        connect_attempts: 11
                        max_connections: 0
                    """,
                    """
                    berth.yaml:6:23: clusters[0].connect_attempts: 11 (expected: 1-10)
                    berth.yaml:7:22: clusters[0].max_connections: 0 (expected: 1-1000000)"""),
            row("health check values out of range", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        health_check:
                          type: udp
                          interval: 0
                          timeout: 5
                          unhealthy_threshold: 0
                          healthy_threshold: many
                          jitter: -1s
                          new_endpoints_healthy: yes
                    """,
                    """
                    berth.yaml:7:13: clusters[0].health_check.type: 'udp' is not one of tcp, http
                    berth.yaml:8:17: clusters[0].health_check.interval: 0 (expected: at least 10ms)
                    berth.yaml:9:16: clusters[0].health_check.timeout: 5: not a duration (expected: a whole number with a unit, such as 250ms, 5s, 1m, 1h; or 0)
                    berth.yaml:10:28: clusters[0].health_check.unhealthy_threshold: 0 (expected: 1-1000)
                    berth.yaml:11:26: clusters[0].health_check.healthy_threshold: 'many' is not a whole number (expected: 1-1000)
                    berth.yaml:12:15: clusters[0].health_check.jitter: -1s: not a duration (expected: a whole number with a unit, such as 250ms, 5s, 1m, 1h; or 0)
                    berth.yaml:13:30: clusters[0].health_check.new_endpoints_healthy: 'yes' (expected: true or false)"""),
            row("tcp check payloads and an http-only field", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        health_check:
                          send: PING
                          send_hex: 50494e47
                          expect_hex: 5g
                          path: /healthz
                    """,
                    """
                    berth.yaml:8:17: clusters[0].health_check.send_hex: set send or send_hex, not both
                    berth.yaml:9:19: clusters[0].health_check.expect_hex: '5g' is not hex (expected: pairs of hex digits, such as 50494e470d0a)
                    berth.yaml:10:13: clusters[0].health_check.path: applies to type: http only"""),
            row("http check path, statuses and a tcp-only field", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        health_check:
                          type: http
                          path: healthz
                          expected_statuses: [200, 700, 399-200, ok]
                          expect: OK
                    """,
                    """
                    berth.yaml:8:13: clusters[0].health_check.path: 'healthz' (expected: a path starting with /, without spaces, such as /healthz)
                    berth.yaml:9:32: clusters[0].health_check.expected_statuses[1]: '700' (expected: an HTTP status 100-599, or a range such as 200-399)
                    berth.yaml:9:37: clusters[0].health_check.expected_statuses[2]: '399-200' (expected: an HTTP status 100-599, or a range such as 200-399)
                    berth.yaml:9:46: clusters[0].health_check.expected_statuses[3]: 'ok' (expected: an HTTP status 100-599, or a range such as 200-399)
                    berth.yaml:10:15: clusters[0].health_check.expect: applies to type: tcp only (an http check sends GET path and looks at the status)"""),
            row("an empty list of expected statuses", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        health_check: {type: http, expected_statuses: []}
                    """,
                    "berth.yaml:6:51: clusters[0].health_check.expected_statuses: an empty list (expected: at least one status or range, such as 200-399)"),
            row("unknown health check field with a suggestion", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        health_check:
                          intervall: 5s
                    """,
                    "berth.yaml:7:7: clusters[0].health_check.intervall: unknown field 'intervall', did you mean 'interval'? (expected one of: type, interval, timeout, unhealthy_threshold, healthy_threshold, jitter, new_endpoints_healthy, send, send_hex, expect, expect_hex, path, expected_statuses)"),
            row("a string where the health check mapping belongs", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        health_check: tcp
                    """,
                    "berth.yaml:6:19: clusters[0].health_check: expected a mapping with type, interval, timeout, ..., got a string"),
            row("outlier detection, breaker and panic values out of range", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [127.0.0.1:8080]
                        max_pending: 0
                        panic_threshold: 101
                        endpoint_removal_grace: soon
                        outlier_detection:
                          consecutive_failures: 0
                          base_ejection_time: 0
                          max_ejection_percent: 101
                          consecutive_5xx: 5
                    """,
                    """
                    berth.yaml:6:18: clusters[0].max_pending: 0 (expected: 1-1000000)
                    berth.yaml:7:22: clusters[0].panic_threshold: 101 (expected: 0-100)
                    berth.yaml:8:29: clusters[0].endpoint_removal_grace: soon: not a duration (expected: a whole number with a unit, such as 250ms, 5s, 1m, 1h; or 0)
                    berth.yaml:10:29: clusters[0].outlier_detection.consecutive_failures: 0 (expected: 1-1000)
                    berth.yaml:11:27: clusters[0].outlier_detection.base_ejection_time: 0 (expected: > 0)
                    berth.yaml:12:29: clusters[0].outlier_detection.max_ejection_percent: 101 (expected: 1-100)
                    berth.yaml:13:7: clusters[0].outlier_detection.consecutive_5xx: unknown field 'consecutive_5xx' (expected one of: consecutive_failures, base_ejection_time, max_ejection_time, max_ejection_percent)"""),
            row("document is a list", """
                    - name: in
                      address: 127.0.0.1:15001
                    """,
                    "berth.yaml:1:1: expected a mapping with admin, listeners, clusters, ..., got a list"),
            row("name with capitals and a space", """
                    listeners:
                      - {name: Inbound Traffic, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:2:12: listeners[0].name: 'Inbound Traffic' is not a valid name (expected: lower-case letters, digits, '_', '.', '-')"),
            row("endpoint listed twice", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - name: app
                        endpoints: [10.0.0.1:8080, "10.0.0.1:8080"]
                    """,
                    "berth.yaml:5:32: clusters[0].endpoints[1]: 10.0.0.1:8080 is listed twice (first as endpoints[0]; use weight for a bigger share)"),
            row("second YAML document", """
                    listeners:
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    ---
                    listeners: []
                    """,
                    "berth.yaml:6:1: a second YAML document (expected: one document per file)"),
            row("empty list entries", """
                    listeners:
                      -
                      - {name: in, address: 127.0.0.1:15001, cluster: app}
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080, ~]}
                    """,
                    """
                    berth.yaml:2:4: listeners[0]: expected a mapping with name, address, cluster, ..., got nothing
                    berth.yaml:5:45: clusters[0].endpoints[1]: expected an address such as 10.0.0.1:8080, got nothing"""),
            row("a mapping where a string belongs", """
                    listeners:
                      - name: in
                        address: {host: 127.0.0.1, port: 15001}
                        cluster: app
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:3:14: listeners[0].address: expected a string, got a mapping"),
            row("camelCase field name", """
                    listeners:
                      - name: in
                        address: 127.0.0.1:15001
                        cluster: app
                        tcpNoDelay: false
                    clusters:
                      - {name: app, endpoints: [127.0.0.1:8080]}
                    """,
                    "berth.yaml:5:5: listeners[0].tcpNoDelay: unknown field 'tcpNoDelay', did you mean 'tcp_no_delay'? (expected one of: name, address, cluster, backlog, idle_timeout, max_connection_duration, buffer_bytes, tcp_no_delay, access_log, proxy_protocol, trusted_sources, proxy_protocol_timeout, policy, zero_copy)"),
            row("a list as a mapping key", """
                    ? [a, b]
                    : c
                    """,
                    "berth.yaml:1:4: YAML syntax error: a mapping key must be a plain value, not a list or a mapping"),
            row("binary data where a list belongs", """
                    listeners: !!binary aGVsbG8=
                    clusters: [{name: app, endpoints: [127.0.0.1:8080]}]
                    """,
                    "berth.yaml:1:12: listeners: expected a list, got binary data")
        );
    }

    private static Arguments row(String what, String yaml, String expected) {
        return Arguments.of(what, yaml, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void reportsEveryErrorWithFileLineColumnAndPath(String what, String yaml, String expected) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "berth.yaml"));
        assertThat(e).as("no error for: %s", what).isNotNull();
        assertThat(e.getMessage()).isEqualTo(expected);
        assertThat(e.errors()).hasSize(expected.split("\n").length);
    }
}
