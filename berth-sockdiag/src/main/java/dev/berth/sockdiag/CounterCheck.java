package dev.berth.sockdiag;

/**
 * One kernel counter that signals trouble, with what it counts.
 *
 * @param name the {@code nstat} name, {@code TcpExtListenOverflows}
 * @param value since boot (or since the namespace was created)
 * @param delta growth over the watch interval, {@code null} without {@code --watch}
 * @param meaning what increments it
 * @param level {@link Level#INFO} unless it shows trouble (see the README for each)
 */
public record CounterCheck(String name, long value, Long delta, String meaning, Level level) {}
