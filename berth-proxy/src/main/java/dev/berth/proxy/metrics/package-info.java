/** Prometheus metrics through Micrometer, every one declared in {@link dev.berth.proxy.metrics.ProxyMetrics} with its help text. */
package dev.berth.proxy.metrics;
