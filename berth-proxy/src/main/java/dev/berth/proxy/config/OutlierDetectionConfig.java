package dev.berth.proxy.config;

import java.time.Duration;

/**
 * Passive outlier ejection (Envoy's {@code OutlierDetection}, consecutive errors only): an
 * endpoint whose connections fail {@code consecutiveFailures} times in a row is taken out of
 * rotation for a while, longer each time.
 *
 * @param consecutiveFailures connect failures, connect timeouts and resets by the endpoint, in a
 *                            row, that eject it; a connection that ends normally resets the count. Default 5
 * @param baseEjectionTime    an ejection lasts this times the number of times the endpoint has been
 *                            ejected; default 30s
 * @param maxEjectionTime     cap on one ejection (when smaller than {@code baseEjectionTime}, the base is the cap); default 300s
 * @param maxEjectionPercent  at most this share of the cluster's endpoints is ejected at once, but
 *                            one endpoint always may be; default 10
 */
public record OutlierDetectionConfig(
        int consecutiveFailures,
        Duration baseEjectionTime,
        Duration maxEjectionTime,
        int maxEjectionPercent) {

    /** Every value its default. */
    public static OutlierDetectionConfig defaults() {
        return new OutlierDetectionConfig(Defaults.OUTLIER_CONSECUTIVE_FAILURES, Defaults.OUTLIER_BASE_EJECTION_TIME,
                Defaults.OUTLIER_MAX_EJECTION_TIME, Defaults.OUTLIER_MAX_EJECTION_PERCENT);
    }
}
