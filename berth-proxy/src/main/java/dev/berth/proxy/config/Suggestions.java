package dev.berth.proxy.config;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean …?" for misspelt field names and enum values. */
final class Suggestions {

    private Suggestions() {}

    /**
     * The candidate closest to {@code typo}, or {@code null} when none is close: same letters
     * ignoring case, {@code _} and {@code -} ({@code idleTimeout}, {@code round-robin}), or at most
     * two edits away (one for short words).
     */
    static String closest(String typo, Collection<String> candidates) {
        if (typo.length() > 64) {
            return null; // not a typo, and the edit distance is quadratic
        }
        String folded = fold(typo);
        for (String c : candidates) {
            if (fold(c).equals(folded)) {
                return c;
            }
        }
        int limit = typo.length() <= 4 ? 1 : 2;
        String best = null;
        int bestDistance = limit + 1;
        for (String c : candidates) {
            int d = distance(typo.toLowerCase(Locale.ROOT), c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    private static String fold(String s) {
        return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("timout", "tiemout"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
