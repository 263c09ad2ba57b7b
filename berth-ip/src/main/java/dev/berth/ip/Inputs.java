package dev.berth.ip;

/** Renders user input inside a one-line message. */
final class Inputs {

    static final int MAX_QUOTED = 100;

    private Inputs() {}

    /**
     * The input as written, except: {@code ""} when it is empty, control and other invisible
     * characters as {@code \n}, {@code \t} or {@code \}{@code uXXXX}, and past {@value #MAX_QUOTED}
     * characters the rest replaced by {@code …}.
     */
    static String quote(String input) {
        if (input == null) {
            return "null";
        }
        if (input.isEmpty()) {
            return "\"\"";
        }
        StringBuilder sb = new StringBuilder(Math.min(input.length(), MAX_QUOTED) + 8);
        int shown = 0;
        for (int i = 0; i < input.length(); i++) {
            if (shown == MAX_QUOTED) {
                sb.append('…');
                break;
            }
            char c = input.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.isSurrogate(c) || isInvisible(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
            shown++;
        }
        return sb.toString();
    }

    /** One character for a message: {@code 'g'}, or its escape when it is not printable. */
    static String quoteChar(char c) {
        return "'" + quote(String.valueOf(c)) + "'";
    }

    private static boolean isInvisible(char c) {
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
    }
}
