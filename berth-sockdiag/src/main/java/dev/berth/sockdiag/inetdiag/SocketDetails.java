package dev.berth.sockdiag.inetdiag;

import java.util.Map;
import java.util.Optional;

/**
 * {@link SocketDetail}s by inode, or why there are none.
 *
 * @param byInode the details of every socket listed
 * @param unavailable why the kernel could not be asked (another network namespace, no
 *     NETLINK_SOCK_DIAG, native access refused); {@code null} when it was
 */
public record SocketDetails(Map<Long, SocketDetail> byInode, String unavailable) {

    public SocketDetails {
        byInode = Map.copyOf(byInode);
    }

    /** No details, for this reason. */
    public static SocketDetails unavailable(String reason) {
        return new SocketDetails(Map.of(), reason);
    }

    public boolean isAvailable() {
        return unavailable == null;
    }

    public Optional<SocketDetail> of(long inode) {
        return Optional.ofNullable(byInode.get(inode));
    }
}
