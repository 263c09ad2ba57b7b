package dev.berth.proxy.health.probe;

import io.netty.channel.Channel;

/** How an exchange handler reports back to its check; the first pass or fail counts, later ones are ignored. */
interface Verdict {

    /** The check's connection is up: it is the one to close when the check ends. */
    void active(Channel channel);

    void pass(String detail);

    void fail(String detail);
}
