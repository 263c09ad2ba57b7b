package dev.berth.proxy.health.probe;

/**
 * How one active check of one endpoint ended.
 *
 * @param passed true when the endpoint answered as expected
 * @param detail what happened, in words: {@code connected}, {@code HTTP 200},
 *               {@code connection refused}, {@code no answer within 1000 ms}, ...
 */
public record ProbeResult(boolean passed, String detail) {

    static ProbeResult pass(String detail) {
        return new ProbeResult(true, detail);
    }

    static ProbeResult fail(String detail) {
        return new ProbeResult(false, detail);
    }
}
