package dev.berth.server.conn;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What happened on one connection, complete at close: who it was, how many bytes went each
 * way, how long it lasted and why it ended.
 *
 * @param id         process-unique connection number
 * @param peer       the client's address and port
 * @param local      the local address and port it arrived on
 * @param bytesIn    bytes received from the client
 * @param bytesOut   bytes the kernel accepted for sending to the client
 * @param duration   from accept to close
 * @param reason     who ended it
 * @param error      the error message when {@code reason} is {@link CloseReason#ERROR}, else {@code null}
 */
public record ConnectionRecord(
        long id,
        InetSocketAddress peer,
        InetSocketAddress local,
        long bytesIn,
        long bytesOut,
        Duration duration,
        CloseReason reason,
        String error) {}
