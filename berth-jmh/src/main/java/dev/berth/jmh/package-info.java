/**
 * JMH micro-benchmarks of the decisions the proxy makes once per connection: which endpoint,
 * allowed or not, the PROXY header it writes or reads, and its access-log line. Not part of the
 * default build: {@code ./mvnw -Pjmh -pl berth-jmh -am package}, then
 * {@code java -jar berth-jmh/target/benchmarks.jar}; see {@code bench/README.md}.
 */
package dev.berth.jmh;
