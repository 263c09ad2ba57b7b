package dev.berth.ip;

/**
 * The result of {@link PrefixMap#longestMatch}: the most specific prefix that contains the
 * address, as it was added to the map, and the value stored for it.
 */
public record PrefixMatch<V>(Prefix prefix, V value) {}
