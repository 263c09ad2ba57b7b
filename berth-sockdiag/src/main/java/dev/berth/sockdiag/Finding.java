package dev.berth.sockdiag;

/**
 * One thing {@code diag sockets} found, with what to do about it.
 *
 * @param level how urgent
 * @param code a stable identifier for scripts: {@code port_pressure}, {@code bind_before_connect},
 *     {@code time_wait_churn}, {@code listen_queue_full}, ... (listed in the README)
 * @param message what was found, naming the destination, listener or process
 * @param advice what to do; never empty
 */
public record Finding(Level level, String code, String message, String advice) {}
