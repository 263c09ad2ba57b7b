package dev.berth.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every benchmark here shares (JMH reads them from the superclass): average time
 * per call in nanoseconds, 3 × 1 s warm-up, 5 × 1 s measured, one fork, and the fork's JVM
 * flags as {@code bin/berth} starts the proxy — serial GC, compact object headers, the same heap
 * bounds, Netty's native access and {@code Unsafe} allowed (without them Netty falls back to
 * slower paths, and a benchmark would measure something the proxy never runs).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-XX:+UseCompactObjectHeaders",
    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
abstract class BenchmarkDefaults {}
