package dev.berth.ip;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The special-purpose blocks of the IANA IPv4 and IPv6 registries that Berth names, and what
 * they mean for reaching an address.
 */
final class Classifier {

    private record Block(byte[] network, int length, AddressClass addressClass) {
        boolean contains(IpAddress a) {
            return a.family().bytes() == network.length && Bits.matches(a, network, length);
        }
    }

    private static final List<Block> BLOCKS = List.of(
            block("0.0.0.0/8", AddressClass.RESERVED),
            block("10.0.0.0/8", AddressClass.PRIVATE),
            block("100.64.0.0/10", AddressClass.SHARED),
            block("127.0.0.0/8", AddressClass.LOOPBACK),
            block("169.254.0.0/16", AddressClass.LINK_LOCAL),
            block("172.16.0.0/12", AddressClass.PRIVATE),
            block("192.0.2.0/24", AddressClass.DOCUMENTATION),
            block("192.168.0.0/16", AddressClass.PRIVATE),
            block("198.18.0.0/15", AddressClass.BENCHMARKING),
            block("198.51.100.0/24", AddressClass.DOCUMENTATION),
            block("203.0.113.0/24", AddressClass.DOCUMENTATION),
            block("224.0.0.0/4", AddressClass.MULTICAST),
            block("240.0.0.0/4", AddressClass.RESERVED),
            block("::ffff:0:0/96", AddressClass.IPV4_MAPPED),
            block("::/96", AddressClass.IPV4_COMPATIBLE),
            block("64:ff9b::/96", AddressClass.NAT64),
            block("100::/64", AddressClass.RESERVED),
            block("2001::/32", AddressClass.TEREDO),
            block("2001:2::/48", AddressClass.BENCHMARKING),
            block("2001:db8::/32", AddressClass.DOCUMENTATION),
            block("2002::/16", AddressClass.SIX_TO_FOUR),
            block("3fff::/20", AddressClass.DOCUMENTATION),
            block("fc00::/7", AddressClass.UNIQUE_LOCAL),
            block("fe80::/10", AddressClass.LINK_LOCAL),
            block("fec0::/10", AddressClass.RESERVED),
            block("ff00::/8", AddressClass.MULTICAST));

    private Classifier() {}

    private static Block block(String cidr, AddressClass addressClass) {
        int slash = cidr.indexOf('/');
        IpAddress network = IpParser.literal(cidr.substring(0, slash));
        return new Block(network.toBytes(), Integer.parseInt(cidr.substring(slash + 1)), addressClass);
    }

    static Set<AddressClass> classes(IpAddress a) {
        EnumSet<AddressClass> classes = EnumSet.noneOf(AddressClass.class);
        if (isZero(a)) {
            classes.add(AddressClass.UNSPECIFIED);
        } else if (a.isIpv6() && isLoopbackV6(a)) {
            classes.add(AddressClass.LOOPBACK);
        } else if (a.isIpv4() && isAllOnes(a)) {
            classes.add(AddressClass.BROADCAST);
        } else {
            for (Block b : BLOCKS) {
                if (b.contains(a)) {
                    classes.add(b.addressClass());
                }
            }
        }
        if (reach(a) == Reach.GLOBAL) {
            classes.add(AddressClass.GLOBAL);
        }
        return Collections.unmodifiableSet(classes);
    }

    static Reach reach(IpAddress a) {
        if (isZero(a)) {
            return Reach.NONE;
        }
        if (a.isIpv6() && isLoopbackV6(a)) {
            return Reach.HOST;
        }
        if (a.isIpv4() && isAllOnes(a)) {
            return Reach.LINK;
        }
        AddressClass special = null;
        for (Block b : BLOCKS) {
            if (b.contains(a)) {
                special = b.addressClass();
                break;
            }
        }
        if (special == null) {
            return Reach.GLOBAL;
        }
        return switch (special) {
            case LOOPBACK -> Reach.HOST;
            case LINK_LOCAL -> Reach.LINK;
            case PRIVATE, SHARED, UNIQUE_LOCAL, BENCHMARKING -> Reach.PRIVATE;
            case IPV4_MAPPED, NAT64 -> reach(embeddedIpv4(a));
            case TEREDO, SIX_TO_FOUR, GLOBAL -> Reach.GLOBAL;
            case MULTICAST -> multicastReach(a);
            case UNSPECIFIED, IPV4_COMPATIBLE, DOCUMENTATION, RESERVED, BROADCAST -> Reach.NONE;
        };
    }

    /** RFC 4291 section 2.7 scope for IPv6; RFC 5771 local network control and RFC 2365 administrative scope for IPv4. */
    private static Reach multicastReach(IpAddress a) {
        if (a.isIpv4()) {
            if (a.byteAt(0) == 224 && a.byteAt(1) == 0 && a.byteAt(2) == 0) {
                return Reach.LINK;
            }
            return a.byteAt(0) == 239 ? Reach.PRIVATE : Reach.GLOBAL;
        }
        return switch (a.byteAt(1) & 0x0f) {
            case 0x0, 0xf -> Reach.NONE;
            case 0x1 -> Reach.HOST;
            case 0x2 -> Reach.LINK;
            case 0xe -> Reach.GLOBAL;
            default -> Reach.PRIVATE;
        };
    }

    static IpAddress embeddedIpv4(IpAddress a) {
        if (a.isIpv4() || isZero(a) || isLoopbackV6(a)) {
            return null;
        }
        for (Block b : BLOCKS) {
            if (!b.contains(a)) {
                continue;
            }
            switch (b.addressClass()) {
                case IPV4_MAPPED, IPV4_COMPATIBLE, NAT64 -> {
                    return ipv4(a.byteAt(12), a.byteAt(13), a.byteAt(14), a.byteAt(15));
                }
                case SIX_TO_FOUR -> {
                    return ipv4(a.byteAt(2), a.byteAt(3), a.byteAt(4), a.byteAt(5));
                }
                case TEREDO -> {
                    return ipv4(~a.byteAt(12), ~a.byteAt(13), ~a.byteAt(14), ~a.byteAt(15));
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    private static IpAddress ipv4(int a, int b, int c, int d) {
        return IpAddress.of(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, null);
    }

    private static boolean isZero(IpAddress a) {
        for (int i = 0; i < a.family().bytes(); i++) {
            if (a.byteAt(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAllOnes(IpAddress a) {
        for (int i = 0; i < a.family().bytes(); i++) {
            if (a.byteAt(i) != 0xff) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopbackV6(IpAddress a) {
        if (!a.isIpv6()) {
            return false;
        }
        for (int i = 0; i < 15; i++) {
            if (a.byteAt(i) != 0) {
                return false;
            }
        }
        return a.byteAt(15) == 1;
    }
}
