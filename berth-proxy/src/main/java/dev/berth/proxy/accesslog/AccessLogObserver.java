package dev.berth.proxy.accesslog;

import dev.berth.proxy.observe.ConnectionInfo;
import dev.berth.proxy.observe.ProxyObserver;
import java.util.Map;

/** Sends each finished connection's record to its listener's access-log writer. */
public final class AccessLogObserver implements ProxyObserver {

    private volatile Map<String, AccessLogWriter> writerByListener;

    /** @param writerByListener the writer of each listener that logs (listeners without one do not) */
    public AccessLogObserver(Map<String, AccessLogWriter> writerByListener) {
        this.writerByListener = Map.copyOf(writerByListener);
    }

    /** From now on, records go to these writers (a reload changed the listeners or their access logs). */
    public void update(Map<String, AccessLogWriter> writerByListener) {
        this.writerByListener = Map.copyOf(writerByListener);
    }

    @Override
    public void closed(ConnectionInfo info) {
        AccessLogWriter writer = writerByListener.get(info.listener());
        if (writer != null) {
            writer.submit(AccessLogFormat.format(info));
        }
    }
}
