package dev.berth.sockdiag.procfs;

import java.util.HexFormat;

/** Small helpers the procfs parsers share: strict hex fields and quoting of bad input for messages. */
final class ProcText {

    private static final int QUOTE_LIMIT = 100;

    private ProcText() {}

    /** True when {@code s} is 1 to {@code maxDigits} hex digits and nothing else (no sign, no prefix). */
    static boolean isHex(String s, int maxDigits) {
        if (s.isEmpty() || s.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!HexFormat.isHexDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code s} is 1 to 20 decimal digits, optionally after a minus sign when {@code signed}. */
    static boolean isDecimal(String s, boolean signed) {
        int start = signed && s.startsWith("-") ? 1 : 0;
        if (s.length() == start || s.length() - start > 20) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * A decimal field as a long: negative values as they are, values above {@link Long#MAX_VALUE}
     * (64-bit counters) clamped to it.
     *
     * @throws NumberFormatException when it is not {@link #isDecimal decimal}
     */
    static long decimal(String s) {
        if (!isDecimal(s, true)) {
            throw new NumberFormatException(s);
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return s.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** {@code 'text'} for a message: control characters as {@code \xNN}, long text cut with an ellipsis. */
    static String quote(String text) {
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(text.length(), QUOTE_LIMIT);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\x%02x", (int) c & 0xffff));
            } else {
                b.append(c);
            }
        }
        if (text.length() > QUOTE_LIMIT) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
