/**
 * Dual-stack connection setup done right: RFC 8305 Happy Eyeballs with a pure, clock-driven
 * scheduler ({@link dev.berth.dial.AttemptScheduler}), a Netty racer ({@link dev.berth.dial.NettyDialer})
 * and a plain-Java blocking racer ({@link dev.berth.dial.BlockingDialer}).
 */
package dev.berth.dial;
