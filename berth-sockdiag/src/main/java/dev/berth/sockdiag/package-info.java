/**
 * Socket diagnostics for Linux, from one {@link dev.berth.sockdiag.Snapshot} of procfs: socket
 * states, ephemeral-port pressure per destination, TIME_WAIT churn, kernel settings and trouble
 * counters ({@link dev.berth.sockdiag.SocketsAnalyzer}); the listening-exposure audit
 * ({@link dev.berth.sockdiag.ListenerAudit}); and one port's story
 * ({@link dev.berth.sockdiag.PortAnalyzer}). Pure functions of the snapshot, tested from fixtures.
 */
package dev.berth.sockdiag;
