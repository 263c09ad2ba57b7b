package dev.berth.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.proxy.cluster.Cluster;
import dev.berth.proxy.cluster.UpstreamEndpoint;
import dev.berth.proxy.health.OutlierState;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** What {@code GET /clusters} answers: each cluster's limits and health, and each endpoint's state and counts. */
public final class ClustersJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ClustersJson() {}

    /** @param now monotonic nanos, for the time left on ejections */
    public static String render(List<Cluster> clusters, long now) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode list = root.putArray("clusters");
        for (Cluster c : clusters) {
            ObjectNode n = list.addObject();
            n.put("name", c.name());
            n.put("discovery", c.config().discovery().name().toLowerCase(Locale.ROOT));
            n.put("lb", c.config().lb().name().toLowerCase(Locale.ROOT));
            n.put("active_connections", c.activeConnections());
            n.put("max_connections", c.config().maxConnections());
            n.put("pending_connections", c.pendingConnections());
            n.put("max_pending", c.config().maxPending());
            n.put("health_check", c.config().healthCheck() == null ? "none"
                    : c.config().healthCheck().type().name().toLowerCase(Locale.ROOT));
            n.put("outlier_detection", c.config().outlierDetection() != null);
            n.put("healthy_endpoints", c.healthyEndpoints());
            n.put("panic", c.panic());
            n.put("panic_threshold", c.config().panicThreshold());
            ArrayNode eps = n.putArray("endpoints");
            for (UpstreamEndpoint e : c.endpoints()) {
                ObjectNode en = eps.addObject();
                en.put("address", e.label());
                en.put("source", e.source());
                en.put("weight", e.weight());
                en.put("healthy", e.healthy());
                en.put("health_check", e.checkStatus());
                en.put("last_check_error", e.lastCheckError());
                OutlierState o = e.outlier();
                en.put("ejected", o != null && o.ejected());
                en.put("ejection_remaining_ms", o == null ? 0 : TimeUnit.NANOSECONDS.toMillis(o.ejectionRemainingNanos(now)));
                en.put("times_ejected", o == null ? 0 : o.timesEjected());
                en.put("consecutive_failures", o == null ? 0 : o.consecutiveFailures());
                en.put("active_connections", e.activeConnections());
                en.put("total_connections", e.totalConnections());
                en.put("connect_failures", e.connectFailures());
            }
            ArrayNode draining = n.putArray("draining_endpoints");
            for (UpstreamEndpoint e : c.draining()) {
                ObjectNode dn = draining.addObject();
                dn.put("address", e.label());
                dn.put("source", e.source());
                dn.put("active_connections", e.activeConnections());
            }
        }
        return root.toString();
    }
}
