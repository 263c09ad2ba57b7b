/** Chooses the native epoll transport on Linux and falls back to NIO elsewhere. */
package dev.berth.server.transport;
