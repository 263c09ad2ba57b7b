/**
 * The byte pump between a client and an endpoint: back-pressure both ways ({@code AUTO_READ}
 * off, read again only when the peer can take more), half-close forwarded as FIN, reset
 * forwarded as reset, pending data flushed before a normal close. On epoll a direction that
 * has moved enough bytes switches to a zero-copy {@code splice(2)} path through a pipe
 * ({@link dev.berth.proxy.relay.SpliceReader}, {@link dev.berth.proxy.relay.PipeRegion}), with
 * the same guarantees.
 */
package dev.berth.proxy.relay;
