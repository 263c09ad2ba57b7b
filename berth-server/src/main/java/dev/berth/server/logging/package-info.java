/** Logback set-up for Berth processes: text or one JSON object per line, levels, and rate limiting of noisy records. */
package dev.berth.server.logging;
