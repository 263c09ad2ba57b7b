/** Whether this host can do IPv6: AF_INET6 sockets, binding {@code ::1}, a global address with a default route; procfs read behind an interface so the parsing is tested from fixture text. */
package dev.berth.ip.probe;
