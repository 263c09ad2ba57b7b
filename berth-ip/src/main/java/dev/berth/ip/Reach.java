package dev.berth.ip;

/** How far from the host an address can be reached, narrowest first. */
public enum Reach {
    NONE("none", "not a destination"),
    HOST("host", "this host only"),
    LINK("link", "the local network link only"),
    PRIVATE("private", "a private network or site, not the internet"),
    GLOBAL("global", "globally, across the internet");

    private final String label;
    private final String meaning;

    Reach(String label, String meaning) {
        this.label = label;
        this.meaning = meaning;
    }

    /** Short lower-case name, stable for scripts and JSON. */
    public String label() {
        return label;
    }

    /** Where the address is reachable from, as a phrase: "this host only". */
    public String meaning() {
        return meaning;
    }

    /** True for every reach beyond this host: {@link #LINK}, {@link #PRIVATE}, {@link #GLOBAL}. */
    public boolean beyondHost() {
        return compareTo(LINK) >= 0;
    }

    @Override
    public String toString() {
        return label;
    }
}
