package dev.berth.sockdiag;

import java.util.Locale;

/** What {@code bind()} of a port would do, as far as the socket table tells. */
public enum BindVerdict {
    /** Nothing in the way. */
    OK,
    /** A socket is in the way: {@code bind()} fails (unless both sockets set SO_REUSEPORT as the same user). */
    FAILS,
    /** It depends on what cannot be seen from here: socket options of the holders, or the binder's privileges. */
    MAY_FAIL;

    /** {@code ok}, {@code fails}, {@code may_fail}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
