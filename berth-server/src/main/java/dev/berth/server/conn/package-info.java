/** Per-connection accounting: close reasons, connection records, observers, counters and the connection limit. */
package dev.berth.server.conn;
