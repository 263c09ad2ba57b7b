/**
 * Reloading the configuration of a running proxy ({@code SIGHUP}, {@code POST /reload}): what
 * changed between two configurations, and what a reload answers.
 */
package dev.berth.proxy.reload;
