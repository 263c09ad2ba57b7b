/**
 * The reports as people and programs read them: {@link dev.berth.sockdiag.format.DiagText} (a
 * readable report, advice next to each finding) and {@link dev.berth.sockdiag.format.DiagJson}
 * (one stable JSON object), shared by {@code berth diag} and the proxy's {@code GET /diag/sockets}.
 */
package dev.berth.sockdiag.format;
