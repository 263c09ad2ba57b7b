package dev.berth.sockdiag;

/**
 * One kernel setting, what it means, and whether it works for or against this host's traffic.
 *
 * @param name the dotted sysctl name, {@code net.ipv4.tcp_tw_reuse}
 * @param value its value as the kernel prints it, {@code null} when it could not be read
 * @param meaning what it does, and for some what it does not do
 * @param level {@link Level#INFO} unless the value is a problem for what the socket table shows
 * @param advice what to change, or {@code null} when nothing
 */
public record SettingCheck(String name, String value, String meaning, Level level, String advice) {}
