package dev.berth.ip.probe;

import dev.berth.ip.IpAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One line of {@code /proc/net/if_inet6}: an IPv6 address assigned to an interface.
 *
 * <p>The kernel writes each line as {@code "%pi6 %02x %02x %02x %02x %8s"} ({@code if6_seq_show}
 * in {@code net/ipv6/addrconf.c}): the address as 32 hex digits, the interface index, the prefix
 * length, the scope and the low byte of the address flags (all hex), and the interface name.
 *
 * @param address the address; link-local ones carry the interface name as their scope ({@code fe80::1%eth0})
 * @param interfaceIndex the interface index
 * @param prefixLength the on-link prefix length
 * @param scope the kernel's scope bits: {@code 0x00} global (this includes unique-local fc00::/7),
 *     {@code 0x10} host (loopback), {@code 0x20} link, {@code 0x40} site, {@code 0x80} IPv4-compatible
 * @param flags {@code IFA_F_*} flags: {@code 0x01} temporary, {@code 0x02} no DAD, {@code 0x04} optimistic,
 *     {@code 0x08} DAD failed, {@code 0x20} deprecated, {@code 0x40} tentative, {@code 0x80} permanent
 * @param device the interface name
 */
public record IfInet6Entry(IpAddress address, int interfaceIndex, int prefixLength, int scope, int flags, String device) {

    public static final int SCOPE_GLOBAL = 0x00;
    public static final int SCOPE_HOST = 0x10;
    public static final int SCOPE_LINK = 0x20;
    public static final int SCOPE_SITE = 0x40;

    public static final int FLAG_TEMPORARY = 0x01;
    public static final int FLAG_DAD_FAILED = 0x08;
    public static final int FLAG_DEPRECATED = 0x20;
    public static final int FLAG_TENTATIVE = 0x40;
    public static final int FLAG_PERMANENT = 0x80;

    /** Every well-formed line of the file's text; lines that are not (there should be none) are skipped. */
    public static List<IfInet6Entry> parse(String text) {
        List<IfInet6Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            IfInet6Entry entry = parseLine(line);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** One line, or {@code null} when it is not one the kernel writes. */
    static IfInet6Entry parseLine(String line) {
        String[] f = line.strip().split("\\s+");
        if (f.length != 6 || f[0].length() != 32) {
            return null;
        }
        try {
            byte[] bytes = HexFormat.of().parseHex(f[0]);
            int index = hexInt(f[1]);
            int prefixLength = hexInt(f[2]);
            int scope = hexInt(f[3]);
            int flags = hexInt(f[4]);
            if (prefixLength > 128 || f[5].isEmpty()) {
                return null;
            }
            IpAddress address = IpAddress.ofBytes(bytes);
            if (scope == SCOPE_LINK) {
                address = IpAddress.ofIpv6(bytes, f[5]);
            }
            return new IfInet6Entry(address, index, prefixLength, scope, flags, f[5]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static int hexInt(String field) {
        if (field.isEmpty() || field.length() > 8) {
            throw new IllegalArgumentException(field);
        }
        return (int) Long.parseLong(field, 16);
    }

    public boolean isGlobalScope() {
        return scope == SCOPE_GLOBAL;
    }

    public boolean isTentative() {
        return (flags & FLAG_TENTATIVE) != 0;
    }

    public boolean isDeprecated() {
        return (flags & FLAG_DEPRECATED) != 0;
    }

    public boolean isDadFailed() {
        return (flags & FLAG_DAD_FAILED) != 0;
    }

    public boolean isTemporary() {
        return (flags & FLAG_TEMPORARY) != 0;
    }

    /** Usable as a source for new connections: not tentative, not failed DAD, not deprecated. */
    public boolean isUsable() {
        return !isTentative() && !isDadFailed() && !isDeprecated();
    }

    /** {@code 2001:db8::5/64 on eth0}. */
    @Override
    public String toString() {
        return address.withoutScope() + "/" + prefixLength + " on " + device;
    }
}
