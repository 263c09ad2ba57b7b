/** Scheduling of the proxy's own background threads, so that they never take the event loops' core from them. */
package dev.berth.server.sched;
