package dev.berth.proxy;

import dev.berth.proxy.config.ListenerConfig;

/**
 * Every relay test of {@link ProxyRelayTest} — exact bytes both ways at once, half-close both
 * ways, resets, back-pressure with bounded memory, access-log byte counts — with the
 * zero-copy relay from the first byte (on epoll; under {@code -Dberth.transport=nio} the
 * same tests show the fallback to copying).
 */
class ProxyRelaySpliceTest extends ProxyRelayTest {

    @Override
    ListenerConfig.ZeroCopy zeroCopy() {
        return ListenerConfig.ZeroCopy.ALWAYS;
    }
}
