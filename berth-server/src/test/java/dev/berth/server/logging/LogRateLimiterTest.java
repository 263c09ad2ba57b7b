package dev.berth.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogRateLimiterTest {

    @Test
    void letsOneRecordThroughPerIntervalAndReportsHowManyItHeldBack() {
        AtomicLong now = new AtomicLong(1_000);
        LogRateLimiter limiter = new LogRateLimiter(Duration.ofNanos(100), now::get);

        assertThat(limiter.tryAcquire()).isZero();
        now.set(1_050);
        assertThat(limiter.tryAcquire()).isEqualTo(LogRateLimiter.SUPPRESSED);
        now.set(1_099);
        assertThat(limiter.tryAcquire()).isEqualTo(LogRateLimiter.SUPPRESSED);
        now.set(1_100);
        assertThat(limiter.tryAcquire()).isEqualTo(2);
        now.set(1_150);
        assertThat(limiter.tryAcquire()).isEqualTo(LogRateLimiter.SUPPRESSED);
        now.set(5_000);
        assertThat(limiter.tryAcquire()).isEqualTo(1);
        now.set(5_100);
        assertThat(limiter.tryAcquire()).isZero();
    }

    @Test
    void worksWhenTheClockStartsNegative() {
        AtomicLong now = new AtomicLong(Long.MIN_VALUE + 5);
        LogRateLimiter limiter = new LogRateLimiter(Duration.ofNanos(10), now::get);
        assertThat(limiter.tryAcquire()).isZero();
        assertThat(limiter.tryAcquire()).isEqualTo(LogRateLimiter.SUPPRESSED);
        now.addAndGet(10);
        assertThat(limiter.tryAcquire()).isEqualTo(1);
    }
}
