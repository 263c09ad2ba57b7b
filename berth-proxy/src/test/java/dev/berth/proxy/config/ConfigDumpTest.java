package dev.berth.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigDumpTest {

    @Test
    void jsonOfTheBuiltInSidecar() {
        assertThat(ConfigDump.toJson(ConfigLoader.defaults())).isEqualTo("""
                {
                  "admin": {
                    "address": "127.0.0.1:15000"
                  },
                  "listeners": [
                    {
                      "name": "inbound",
                      "address": "0.0.0.0:15001",
                      "cluster": "local-app",
                      "backlog": 1024,
                      "idle_timeout": "1h",
                      "max_connection_duration": "0",
                      "buffer_bytes": 65536,
                      "tcp_no_delay": true,
                      "access_log": "stdout",
                      "proxy_protocol": "none",
                      "trusted_sources": [ ],
                      "proxy_protocol_timeout": "5s",
                      "policy": {
                        "default": "allow",
                        "allow": [ ],
                        "deny": [ ],
                        "shadow": false
                      },
                      "zero_copy": "auto"
                    }
                  ],
                  "clusters": [
                    {
                      "name": "local-app",
                      "discovery": "static",
                      "endpoints": [
                        {
                          "address": "127.0.0.1:8080",
                          "weight": 1
                        }
                      ],
                      "lb": "round_robin",
                      "connect_timeout": "5s",
                      "max_connections": 10000,
                      "connect_attempts": 3,
                      "dns_refresh": "5s",
                      "max_pending": 1024,
                      "panic_threshold": 50,
                      "endpoint_removal_grace": "0",
                      "proxy_protocol": "none"
                    }
                  ],
                  "shutdown": {
                    "accept_grace": "0",
                    "drain_timeout": "30s"
                  }
                }
                """);
    }

    @Test
    void yamlIsDeterministic() {
        assertThat(ConfigDump.toYaml(ConfigLoader.defaults())).isEqualTo(ConfigDump.toYaml(ConfigLoader.defaults()));
        assertThat(ConfigDump.toYaml(ConfigLoader.defaults())).startsWith("admin:\n  address: 127.0.0.1:15000\nlisteners:\n");
    }

    @Test
    void treeKeysFollowTheSchemaOrder() {
        assertThat(ConfigDump.toTree(ConfigLoader.defaults())).containsOnlyKeys("admin", "listeners", "clusters", "shutdown");
        assertThat(ConfigDump.toTree(ConfigLoader.defaults()).keySet()).containsExactly("admin", "listeners", "clusters", "shutdown");
    }
}
