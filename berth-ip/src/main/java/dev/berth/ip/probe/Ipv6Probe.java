package dev.berth.ip.probe;

import dev.berth.ip.AddressClass;
import dev.berth.ip.IpAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Can this host do IPv6? Three separate answers, each with a one-line reason
 * ({@link Ipv6ProbeReport}):
 *
 * <ol>
 *   <li><b>sockets</b>: an AF_INET6 socket can be created (the kernel has IPv6 and the JVM was
 *       not told {@code java.net.preferIPv4Stack=true});
 *   <li><b>loopback</b>: a TCP socket can be bound to {@code [::1]} (fails where IPv6 is off on
 *       {@code lo}, e.g. {@code net.ipv6.conf.lo.disable_ipv6=1} in a container);
 *   <li><b>global</b>: the host has a usable global-scope IPv6 address ({@code /proc/net/if_inet6}:
 *       scope global, not tentative, not deprecated, not failed duplicate address detection)
 *       <em>and</em> a default IPv6 route ({@code /proc/net/ipv6_route}: {@code ::/0}, up, not a
 *       reject route, not on {@code lo}).
 * </ol>
 *
 * <p>"Global" means kernel scope global, which includes unique-local addresses
 * ({@code fc00::/7}): with a default route they reach beyond the host (the site, or the
 * internet through NAT66), which is the "connectivity" the Happy Eyeballs v3 draft asks for
 * (a non-loopback, non-link-local address and a route). The reason says when the address is
 * unique-local, and a public address is preferred when there are both.
 */
public final class Ipv6Probe {

    private static final int MAX_LISTED = 4;

    private final ProcNet procNet;
    private final Ipv6Sockets sockets;

    public Ipv6Probe(ProcNet procNet, Ipv6Sockets sockets) {
        this.procNet = Objects.requireNonNull(procNet, "procNet");
        this.sockets = Objects.requireNonNull(sockets, "sockets");
    }

    /** The probe of this host and JVM. */
    public static Ipv6Probe system() {
        return new Ipv6Probe(ProcNet.system(), Ipv6Sockets.system());
    }

    public Ipv6ProbeReport run() {
        ProbeAnswer sockets = sockets();
        ProbeAnswer loopback = sockets.yes() ? loopback() : ProbeAnswer.no("no AF_INET6 sockets, so nothing to bind");
        return new Ipv6ProbeReport(sockets, loopback, global());
    }

    ProbeAnswer sockets() {
        try {
            sockets.openSocket();
            return ProbeAnswer.yes("AF_INET6 sockets can be created");
        } catch (UnsupportedOperationException e) {
            return ProbeAnswer.no("this JVM has IPv6 turned off (" + describe(e)
                    + "; is -Djava.net.preferIPv4Stack=true set?)");
        } catch (Exception e) {
            return ProbeAnswer.no("cannot create an AF_INET6 socket (" + describe(e)
                    + "): IPv6 is disabled in the kernel (ipv6.disable=1) or not built in");
        }
    }

    ProbeAnswer loopback() {
        try {
            int port = sockets.bindLoopback();
            return ProbeAnswer.yes("bound a TCP socket to [::1]:" + port + " (and closed it)");
        } catch (Exception e) {
            return ProbeAnswer.no("cannot bind [::1] (" + describe(e)
                    + "): ::1 is not configured; is net.ipv6.conf.lo.disable_ipv6 set to 1?");
        }
    }

    ProbeAnswer global() {
        Optional<String> addresses;
        Optional<String> routes;
        try {
            addresses = procNet.ifInet6();
            routes = procNet.ipv6Route();
        } catch (IOException e) {
            return ProbeAnswer.no("cannot read /proc/net (" + describe(e) + ")");
        }
        if (addresses.isEmpty()) {
            return ProbeAnswer.no("/proc/net/if_inet6 does not exist: the kernel has IPv6 turned off");
        }
        return global(IfInet6Entry.parse(addresses.get()), routes.map(Ipv6RouteEntry::parse));
    }

    /** The third answer from parsed tables; {@code routes} empty when {@code /proc/net/ipv6_route} is missing. */
    static ProbeAnswer global(List<IfInet6Entry> addresses, Optional<List<Ipv6RouteEntry>> routes) {
        List<IfInet6Entry> global = addresses.stream().filter(IfInet6Entry::isGlobalScope).toList();
        if (global.isEmpty()) {
            if (addresses.isEmpty()) {
                return ProbeAnswer.no("no IPv6 address on any interface");
            }
            return ProbeAnswer.no("no global IPv6 address (only " + list(addresses) + ")");
        }
        List<IfInet6Entry> usable = global.stream().filter(IfInet6Entry::isUsable).toList();
        if (usable.isEmpty()) {
            IfInet6Entry first = global.get(0);
            return ProbeAnswer.no("global IPv6 address " + first + " is " + unusableBecause(first)
                    + (global.size() > 1 ? " (and " + (global.size() - 1) + " more not usable)" : ""));
        }
        // Prefer what a connection would show the world: public over unique-local, stable over temporary.
        IfInet6Entry chosen = usable.stream()
                .min(Comparator.comparing((IfInet6Entry a) -> a.address().primaryClass() == AddressClass.UNIQUE_LOCAL)
                        .thenComparing(IfInet6Entry::isTemporary))
                .orElseThrow();
        String note = chosen.address().primaryClass() == AddressClass.UNIQUE_LOCAL
                ? "; it is unique-local (fc00::/7): it reaches the site, and the internet only through NAT66" : "";
        if (routes.isEmpty()) {
            return ProbeAnswer.no("global IPv6 address " + chosen + ", but /proc/net/ipv6_route does not exist" + note);
        }
        Optional<Ipv6RouteEntry> defaultRoute = routes.get().stream().filter(Ipv6RouteEntry::isUsableDefault).findFirst();
        if (defaultRoute.isEmpty()) {
            return ProbeAnswer.no("global IPv6 address " + chosen
                    + ", but no default IPv6 route (only on-link destinations are reachable)" + note);
        }
        Ipv6RouteEntry route = defaultRoute.get();
        return ProbeAnswer.yes("global IPv6 address " + chosen + " and a default route"
                + (route.hasGateway() ? " via " + route.nextHop() : "") + " on " + route.device() + note);
    }

    private static String unusableBecause(IfInet6Entry a) {
        if (a.isDadFailed()) {
            return "unusable: duplicate address detection failed (another host has it)";
        }
        if (a.isTentative()) {
            return "tentative: duplicate address detection has not finished";
        }
        return "deprecated: its preferred lifetime is over, so new connections do not use it";
    }

    /** {@code ::1 on lo and fe80::1 on eth0}, at most {@value #MAX_LISTED} and a count of the rest. */
    private static String list(List<IfInet6Entry> addresses) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(MAX_LISTED, addresses.size()); i++) {
            IfInet6Entry a = addresses.get(i);
            IpAddress address = a.address().withoutScope();
            shown.add(address + " on " + a.device());
        }
        int rest = addresses.size() - shown.size();
        if (rest > 0) {
            return String.join(", ", shown) + " and " + rest + " more";
        }
        return shown.size() == 1 ? shown.get(0)
                : String.join(", ", shown.subList(0, shown.size() - 1)) + " and " + shown.get(shown.size() - 1);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        return text.replaceAll("[\\r\\n]+", " ").strip();
    }
}
