package dev.berth.sockdiag;

import java.util.Locale;

/** Number formatting for messages: thousands separators, whole percentages rounded down. */
final class Numbers {

    private Numbers() {}

    /** {@code 28,232}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 96%}: rounded down, so 99.6 % is never shown as full. */
    static String percent(double p) {
        return (long) Math.floor(p) + "%";
    }

    /** {@code 12.5}: one decimal. */
    static String rate(double r) {
        return String.format(Locale.ROOT, "%.1f", r);
    }

    /** A share as a percentage rounded to one decimal, for JSON; 100 when the whole is 0 and the part is not. */
    static double share(long part, long whole) {
        if (whole <= 0) {
            return part > 0 ? 100.0 : 0.0;
        }
        return Math.round(1000.0 * part / whole) / 10.0;
    }
}
