package dev.berth.proxy.observe;

import java.net.InetSocketAddress;

/**
 * Everything known about one proxied connection, filled in as it progresses (Envoy's
 * {@code StreamInfo}) and formatted once, at close. Written only on the connection's event
 * loop; read by observers at close (and live byte counts by metrics).
 */
public final class ConnectionInfo {

    /** Who sent the first FIN, when one did. */
    public enum Side {
        DOWNSTREAM,
        UPSTREAM;

        public String label() {
            return this == DOWNSTREAM ? "downstream" : "upstream";
        }
    }

    /** How the connection ended on the wire. */
    public enum Termination {
        /** Both directions ended with FIN (graceful). */
        FIN,
        /** One side reset; the reset was passed on. */
        RST,
        /** Berth closed it (timeout, drain, overflow, failure to connect). */
        CLOSE
    }

    final long id;
    final String listener;
    String cluster; // set again by routeTo when a reload moved the listener to another cluster before connect
    final long startEpochMillis;
    final long startNanos;
    final InetSocketAddress downstreamPeer;
    final InetSocketAddress downstreamLocal;
    InetSocketAddress client;
    InetSocketAddress clientDestination;
    String upstreamEndpoint;
    InetSocketAddress upstreamLocal;
    int connectAttempts;
    ConnectFailure connectFailure;
    long bytesFromDownstream;
    long bytesToDownstream;
    Side firstFin;
    Termination termination;
    ReasonCode reason;
    String detail;
    long durationNanos = -1;

    public ConnectionInfo(long id, String listener, String cluster, InetSocketAddress downstreamPeer, InetSocketAddress downstreamLocal) {
        this.id = id;
        this.listener = listener;
        this.cluster = cluster;
        this.downstreamPeer = downstreamPeer;
        this.downstreamLocal = downstreamLocal;
        this.startEpochMillis = System.currentTimeMillis();
        this.startNanos = System.nanoTime();
    }

    // ---- written by the data path ----------------------------------------------------------

    /**
     * A PROXY protocol header (from a trusted peer) says the connection is really from
     * {@code source} to {@code destination}.
     */
    public void proxied(InetSocketAddress source, InetSocketAddress destination) {
        this.client = source;
        this.clientDestination = destination;
    }

    public void upstream(String endpoint, InetSocketAddress local) {
        this.upstreamEndpoint = endpoint;
        this.upstreamLocal = local;
    }

    public void attempt(String endpoint) {
        this.connectAttempts++;
        this.upstreamEndpoint = endpoint;
    }

    /** The last connect attempt failed for this cause (set before observers hear of the failure). */
    public void connectFailed(ConnectFailure cause) {
        this.connectFailure = cause;
    }

    public void addFromDownstream(long n) {
        bytesFromDownstream += n;
    }

    public void addToDownstream(long n) {
        bytesToDownstream += n;
    }

    /** Records the first FIN only. */
    public void fin(Side side) {
        if (firstFin == null) {
            firstFin = side;
        }
    }

    /** Sets the reason unless one is already set: the first cause wins. */
    public boolean end(ReasonCode code, Termination how, String why) {
        if (reason != null) {
            return false;
        }
        reason = code;
        termination = how;
        detail = why;
        return true;
    }

    public void closed() {
        if (durationNanos < 0) {
            durationNanos = System.nanoTime() - startNanos;
        }
    }

    // ---- read by observers ----------------------------------------------------------------

    public long id() {
        return id;
    }

    public String listener() {
        return listener;
    }

    public String cluster() {
        return cluster;
    }

    /** The connection goes to this cluster after all (see {@code ProxyConnection.routeTo}). */
    public void routedTo(String clusterName) {
        this.cluster = clusterName;
    }

    public long startEpochMillis() {
        return startEpochMillis;
    }

    public long durationNanos() {
        return durationNanos < 0 ? System.nanoTime() - startNanos : durationNanos;
    }

    public InetSocketAddress downstreamPeer() {
        return downstreamPeer;
    }

    public InetSocketAddress downstreamLocal() {
        return downstreamLocal;
    }

    /** The client address a PROXY protocol header carried, or {@code null} without one. */
    public InetSocketAddress client() {
        return client;
    }

    /**
     * Who the connection is from, as the proxy believes it: the PROXY header's source when
     * there was one, else the direct peer. What the policy judges, the balancer hashes and the
     * header sent to endpoints names (Envoy's {@code remote_ip}, vs {@code direct_remote_ip}).
     */
    public InetSocketAddress sourceAddress() {
        return client != null ? client : downstreamPeer;
    }

    /** Where the client connected to: the PROXY header's destination when there was one, else the listener's address. */
    public InetSocketAddress destinationAddress() {
        return clientDestination != null ? clientDestination : downstreamLocal;
    }

    /** {@code ip:port} of the endpoint used (or last tried), or {@code null}. */
    public String upstreamEndpoint() {
        return upstreamEndpoint;
    }

    /** The proxy's source address towards the endpoint (its ephemeral port), or {@code null}. */
    public InetSocketAddress upstreamLocal() {
        return upstreamLocal;
    }

    public int connectAttempts() {
        return connectAttempts;
    }

    /** Why the last failed connect attempt failed, or {@code null} when none failed. */
    public ConnectFailure connectFailure() {
        return connectFailure;
    }

    public long bytesFromDownstream() {
        return bytesFromDownstream;
    }

    public long bytesToDownstream() {
        return bytesToDownstream;
    }

    public Side firstFin() {
        return firstFin;
    }

    public Termination termination() {
        return termination;
    }

    public ReasonCode reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }
}
