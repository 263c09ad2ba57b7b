/** The echo server: exact bytes in order, bounded memory per connection, half-close, limits and graceful drain. */
package dev.berth.echo;
