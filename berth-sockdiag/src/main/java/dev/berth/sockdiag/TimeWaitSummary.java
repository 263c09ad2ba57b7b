package dev.berth.sockdiag;

/**
 * TIME_WAIT at a glance. TIME_WAIT sits on the side that closed first and lasts 60 s
 * ({@code TCP_TIMEWAIT_LEN}, fixed at compile time).
 *
 * @param total TIME_WAIT sockets now
 * @param outbound of which this host opened (it closed first as the client: these hold ephemeral ports)
 * @param inbound of which peers opened (this server closed first: no ephemeral port is used, only the exact tuple is blocked)
 * @param averageRemainingSeconds mean time left on their timers, {@code null} when there are none
 * @param created {@code TcpExtTW}: TIME_WAIT sockets created since boot, {@code null} when the kernel lacks it
 * @param createdPerSecond the rate of {@code TcpExtTW} over the watch interval, {@code null} without {@code --watch}
 * @param maxBuckets {@code net.ipv4.tcp_max_tw_buckets}, {@code null} when unknown
 */
public record TimeWaitSummary(int total, int outbound, int inbound, Double averageRemainingSeconds, Long created,
        Double createdPerSecond, Integer maxBuckets) {}
