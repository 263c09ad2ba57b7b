/**
 * The byte pump between a client and an endpoint: back-pressure both ways ({@code AUTO_READ}
 * off, read again only when the peer can take more), half-close forwarded as FIN, reset
 * forwarded as reset, pending data flushed before a normal close. Structured so that a
 * zero-copy {@code splice(2)} path can replace the copying pump for plain sockets on epoll.
 */
package dev.berth.proxy.relay;
