package dev.berth.ip;

import inet.ipaddr.format.util.AssociativeAddressTrie.AssociativeTrieNode;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv4.IPv4AddressAssociativeTrie;
import inet.ipaddr.ipv6.IPv6Address;
import inet.ipaddr.ipv6.IPv6AddressAssociativeTrie;
import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Prefixes of both families, each with a value, searched by longest-prefix match: the most
 * specific prefix containing an address wins. Built once with a {@link Builder}, then
 * immutable and safe to share between threads (the tries are filled in {@link Builder#build()}
 * and only read afterwards).
 *
 * <p>Backed by the IPAddress library's associative binary tries, one per family
 * ({@link IPv4AddressAssociativeTrie}, {@link IPv6AddressAssociativeTrie}); a lookup walks at
 * most 32 or 128 bits.
 *
 * <p>IPv4-mapped addresses are IPv4 traffic and match IPv4 prefixes only, as in
 * {@link Prefix#contains}: {@code ::ffff:10.0.0.1} matches {@code 10.0.0.0/8}, never
 * {@code ::/0}. A prefix inside {@code ::ffff:0:0/96} is stored as the IPv4 prefix it stands for,
 * so {@code ::ffff:10.0.0.0/104} and {@code 10.0.0.0/8} are the same key.
 *
 * <p>A value per prefix is all that is decided here. A policy with allow and deny lists keeps
 * its own tie rule (say, deny wins when both name one prefix) by merging values with
 * {@link Builder#merge}.
 *
 * @param <V> the value stored per prefix, e.g. a policy decision
 */
public final class PrefixMap<V> {

    private final IPv4AddressAssociativeTrie<PrefixMatch<V>> v4;
    private final IPv6AddressAssociativeTrie<PrefixMatch<V>> v6;
    private final Map<Prefix, V> entries;

    private PrefixMap(IPv4AddressAssociativeTrie<PrefixMatch<V>> v4, IPv6AddressAssociativeTrie<PrefixMatch<V>> v6,
                      Map<Prefix, V> entries) {
        this.v4 = v4;
        this.v6 = v6;
        this.entries = entries;
    }

    public static <V> Builder<V> builder() {
        return new Builder<>();
    }

    /**
     * The most specific prefix containing {@code address} and its value; empty when none does.
     * The address's scope is ignored.
     */
    public Optional<PrefixMatch<V>> longestMatch(IpAddress address) {
        IpAddress a = address.unmapped();
        AssociativeTrieNode<?, PrefixMatch<V>> node = a.isIpv4()
                ? v4.longestPrefixMatchNode(new IPv4Address(a.toBytes()))
                : v6.longestPrefixMatchNode(new IPv6Address(a.toBytes()));
        return node == null ? Optional.empty() : Optional.of(node.getValue());
    }

    /** {@link #longestMatch(IpAddress)} for a JDK address (an {@code Inet4Address} for a client on a dual-stack socket). */
    public Optional<PrefixMatch<V>> longestMatch(InetAddress address) {
        return longestMatch(IpAddress.of(address));
    }

    /** The prefixes and values in the order they were first added; prefixes as first added. */
    public Map<Prefix, V> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    /** Collects prefixes and values; not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder<V> {

        /** Keyed by the unmapped prefix; the value remembers the prefix as first added. */
        private final Map<Prefix, PrefixMatch<V>> byKey = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Adds a prefix and its value.
         *
         * @throws IllegalArgumentException when the prefix (or the same prefix in IPv4-mapped
         *     form) is already there; use {@link #merge} to combine values instead
         */
        public Builder<V> put(Prefix prefix, V value) {
            Objects.requireNonNull(value, "value");
            PrefixMatch<V> previous = byKey.putIfAbsent(prefix.unmapped(), new PrefixMatch<>(prefix, value));
            if (previous != null) {
                throw new IllegalArgumentException(prefix + ": listed twice"
                        + (previous.prefix().equals(prefix) ? "" : " (as " + previous.prefix() + ")"));
            }
            return this;
        }

        /**
         * Adds a prefix and its value, or when the prefix is already there, replaces its value
         * with {@code remapping.apply(old, value)}: the place for a rule such as "deny wins a tie".
         */
        public Builder<V> merge(Prefix prefix, V value, BinaryOperator<V> remapping) {
            Objects.requireNonNull(value, "value");
            byKey.merge(prefix.unmapped(), new PrefixMatch<>(prefix, value),
                    (old, added) -> new PrefixMatch<>(old.prefix(),
                            Objects.requireNonNull(remapping.apply(old.value(), added.value()), "merged value")));
            return this;
        }

        public PrefixMap<V> build() {
            IPv4AddressAssociativeTrie<PrefixMatch<V>> v4 = new IPv4AddressAssociativeTrie<>();
            IPv6AddressAssociativeTrie<PrefixMatch<V>> v6 = new IPv6AddressAssociativeTrie<>();
            Map<Prefix, V> entries = new LinkedHashMap<>();
            for (Map.Entry<Prefix, PrefixMatch<V>> e : byKey.entrySet()) {
                Prefix key = e.getKey();
                byte[] network = key.network().toBytes();
                if (key.family() == IpFamily.IPV4) {
                    v4.put(new IPv4Address(network, key.length()).toPrefixBlock(), e.getValue());
                } else {
                    v6.put(new IPv6Address(network, key.length()).toPrefixBlock(), e.getValue());
                }
                entries.put(e.getValue().prefix(), e.getValue().value());
            }
            return new PrefixMap<>(v4, v6, Collections.unmodifiableMap(entries));
        }
    }
}
