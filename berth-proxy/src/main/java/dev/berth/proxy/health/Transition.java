package dev.berth.proxy.health;

/** What one check result did to an endpoint's health (Envoy's {@code HealthTransition}). */
public enum Transition {
    /** The endpoint's health is what it was, and no change is under way. */
    UNCHANGED,
    /** The endpoint crossed a threshold: healthy became unhealthy or the reverse. */
    CHANGED,
    /** The result differs from the current health but the threshold is not reached yet. */
    PENDING
}
