package dev.berth.sockdiag.format;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.berth.ip.IpFamily;
import dev.berth.sockdiag.BindOutcome;
import dev.berth.sockdiag.ChurnRate;
import dev.berth.sockdiag.CounterCheck;
import dev.berth.sockdiag.DestinationPressure;
import dev.berth.sockdiag.EphemeralPool;
import dev.berth.sockdiag.Finding;
import dev.berth.sockdiag.Level;
import dev.berth.sockdiag.Listener;
import dev.berth.sockdiag.ListenersReport;
import dev.berth.sockdiag.PeerCount;
import dev.berth.sockdiag.PortReport;
import dev.berth.sockdiag.SettingCheck;
import dev.berth.sockdiag.Severity;
import dev.berth.sockdiag.SocketsReport;
import dev.berth.sockdiag.TimeWaitSummary;
import dev.berth.sockdiag.procfs.FdLimits;
import dev.berth.sockdiag.procfs.ProcessFds;
import dev.berth.sockdiag.procfs.ProcessRef;
import dev.berth.sockdiag.procfs.TcpState;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --json} output of {@code berth diag}: one JSON object on one line, the same fields
 * in the same order every time, {@code null} where a value is unknown. Documented in the README;
 * a change of field is a change of contract.
 */
public final class DiagJson {

    private DiagJson() {}

    private static String object(JsonObject.Body body) {
        return JsonObject.of(body);
    }

    /** {@code berth diag sockets --json}. */
    public static String sockets(SocketsReport r) {
        return object(g -> {
            g.writeStringField("at", r.at().toString());
            number(g, "interval_ms", r.interval() == null ? null : r.interval().toMillis());
            number(g, "pid", r.pid());
            g.writeStringField("namespace", r.namespace());
            g.writeObjectFieldStart("tcp");
            g.writeNumberField("total", r.tcpTotal());
            states(g, "states", r.tcpStates());
            g.writeEndObject();
            g.writeObjectFieldStart("udp");
            g.writeNumberField("unconnected", r.udpUnconnected());
            g.writeNumberField("connected", r.udpConnected());
            g.writeEndObject();
            EphemeralPool pool = r.pool();
            g.writeObjectFieldStart("ephemeral");
            g.writeNumberField("low", pool.range().low());
            g.writeNumberField("high", pool.range().high());
            g.writeNumberField("size", pool.range().size());
            g.writeBooleanField("range_known", pool.rangeKnown());
            g.writeNumberField("reserved_in_range", pool.reservedInRange());
            g.writeNumberField("bound_in_range", pool.boundInRange());
            g.writeNumberField("usable", pool.usable());
            g.writeEndObject();
            g.writeArrayFieldStart("pressure");
            for (DestinationPressure p : r.pressure()) {
                g.writeStartObject();
                g.writeStringField("source", p.source().toCanonicalString());
                g.writeStringField("destination", p.destination().toCanonicalString());
                g.writeNumberField("port", p.port());
                g.writeNumberField("sockets", p.sockets());
                g.writeNumberField("usable", p.usable());
                g.writeNumberField("percent", p.percent());
                g.writeStringField("level", p.level().label());
                g.writeStringField("dominant_state", p.dominantState().label());
                states(g, "states", p.states());
                g.writeEndObject();
            }
            g.writeEndArray();
            peers(g, "top_time_wait", r.topTimeWait());
            peers(g, "top_established", r.topEstablished());
            TimeWaitSummary tw = r.timeWait();
            g.writeObjectFieldStart("time_wait");
            g.writeNumberField("total", tw.total());
            g.writeNumberField("outbound", tw.outbound());
            g.writeNumberField("inbound", tw.inbound());
            number(g, "average_remaining_s", tw.averageRemainingSeconds());
            number(g, "created", tw.created());
            number(g, "created_per_s", tw.createdPerSecond());
            number(g, "max_buckets", tw.maxBuckets() == null ? null : tw.maxBuckets().longValue());
            g.writeEndObject();
            g.writeArrayFieldStart("churn");
            for (ChurnRate c : r.churn()) {
                g.writeStartObject();
                g.writeStringField("source", c.source().toCanonicalString());
                g.writeStringField("destination", c.destination().toCanonicalString());
                g.writeNumberField("port", c.port());
                g.writeNumberField("new_time_wait", c.newTimeWait());
                g.writeNumberField("per_s", c.perSecond());
                g.writeNumberField("tuples_needed", c.tuplesNeeded());
                g.writeNumberField("usable", c.usable());
                g.writeNumberField("percent", c.percent());
                g.writeStringField("level", c.level().label());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("settings");
            for (SettingCheck s : r.settings()) {
                g.writeStartObject();
                g.writeStringField("name", s.name());
                g.writeStringField("value", s.value());
                g.writeStringField("level", s.level().label());
                g.writeStringField("meaning", s.meaning());
                g.writeStringField("advice", s.advice());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("counters");
            for (CounterCheck c : r.counters()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeNumberField("value", c.value());
                number(g, "delta", c.delta());
                g.writeStringField("level", c.level().label());
                g.writeStringField("meaning", c.meaning());
                g.writeEndObject();
            }
            g.writeEndArray();
            fds(g, r.fds());
            Level worst = r.worst();
            g.writeStringField("worst", worst == null ? null : worst.label());
            g.writeArrayFieldStart("findings");
            for (Finding f : r.findings()) {
                g.writeStartObject();
                g.writeStringField("level", f.level().label());
                g.writeStringField("code", f.code());
                g.writeStringField("message", f.message());
                g.writeStringField("advice", f.advice());
                g.writeEndObject();
            }
            g.writeEndArray();
            strings(g, "notes", r.notes());
            strings(g, "problems", r.problems());
        });
    }

    /** {@code berth diag listeners --json}. */
    public static String listeners(ListenersReport r, Severity failOn) {
        return object(g -> {
            number(g, "pid", r.pid());
            g.writeStringField("namespace", r.namespace());
            g.writeStringField("fail_on", failOn == null ? null : failOn.label());
            g.writeBooleanField("failed", failOn != null && r.has(failOn));
            g.writeObjectFieldStart("counts");
            for (Map.Entry<Severity, Integer> e : r.counts().entrySet()) {
                g.writeNumberField(e.getKey().label(), e.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("listeners");
            for (Listener l : r.listeners()) {
                listener(g, l);
            }
            g.writeEndArray();
            strings(g, "notes", r.notes());
            strings(g, "problems", r.problems());
        });
    }

    /** {@code berth diag port --json}. */
    public static String port(PortReport r) {
        return object(g -> {
            g.writeNumberField("port", r.port());
            g.writeObjectFieldStart("ephemeral_range");
            g.writeNumberField("low", r.range().low());
            g.writeNumberField("high", r.range().high());
            g.writeEndObject();
            g.writeBooleanField("in_ephemeral_range", r.inEphemeralRange());
            g.writeBooleanField("reserved", r.reserved());
            g.writeNumberField("unprivileged_port_start", r.unprivilegedPortStart());
            g.writeBooleanField("privileged", r.privileged());
            g.writeFieldName("service");
            if (r.service() == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                g.writeStringField("name", r.service().service());
                g.writeStringField("risk", r.service().risk());
                g.writeStringField("advice", r.service().advice());
                g.writeEndObject();
            }
            g.writeArrayFieldStart("listeners");
            for (Listener l : r.listeners()) {
                listener(g, l);
            }
            g.writeEndArray();
            states(g, "local_sockets", r.localSockets());
            states(g, "connections_to", r.connectionsTo());
            g.writeArrayFieldStart("binds");
            for (BindOutcome b : r.binds()) {
                g.writeStartObject();
                g.writeStringField("transport", b.transport().label());
                g.writeStringField("address", b.address());
                g.writeStringField("verdict", b.verdict().label());
                g.writeStringField("error", b.error());
                g.writeStringField("reason", b.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            strings(g, "advice", r.advice());
            strings(g, "notes", r.notes());
            strings(g, "problems", r.problems());
        });
    }

    private static void listener(JsonGenerator g, Listener l) throws IOException {
        g.writeStartObject();
        g.writeStringField("transport", l.socket().transport().label());
        g.writeStringField("table", family(l.socket().table()));
        g.writeStringField("address", l.socket().localAddress().toCanonicalString());
        g.writeNumberField("port", l.socket().localPort());
        g.writeStringField("bind_class", l.bindClass().label());
        g.writeFieldName("v6only");
        if (l.v6only() == null) {
            g.writeNull();
        } else {
            g.writeBoolean(l.v6only());
        }
        g.writeArrayFieldStart("exposure");
        for (IpFamily f : l.exposure()) {
            g.writeString(family(f));
        }
        g.writeEndArray();
        g.writeNumberField("inode", l.socket().inode());
        g.writeNumberField("uid", l.socket().uid());
        g.writeArrayFieldStart("processes");
        for (ProcessRef p : l.processes()) {
            g.writeStartObject();
            g.writeNumberField("pid", p.pid());
            g.writeStringField("command", p.command());
            g.writeStringField("command_line", p.commandLine());
            g.writeEndObject();
        }
        g.writeEndArray();
        number(g, "queue", l.queue());
        number(g, "backlog", l.backlog());
        g.writeStringField("service", l.service() == null ? null : l.service().service());
        g.writeBooleanField("in_ephemeral_range", l.inEphemeralRange());
        g.writeBooleanField("reserved", l.reserved());
        g.writeStringField("severity", l.severity().label());
        g.writeStringField("message", l.message());
        g.writeStringField("advice", l.advice());
        g.writeEndObject();
    }

    private static void fds(JsonGenerator g, FdLimits fds) throws IOException {
        g.writeObjectFieldStart("fds");
        number(g, "allocated", fds.allocated());
        number(g, "max", fds.max());
        number(g, "nr_open", fds.nrOpen());
        g.writeArrayFieldStart("processes");
        for (ProcessFds p : fds.processes()) {
            g.writeStartObject();
            g.writeNumberField("pid", p.process().pid());
            g.writeStringField("command", p.process().command());
            g.writeNumberField("open", p.open());
            number(g, "soft_limit", p.softLimit());
            number(g, "hard_limit", p.hardLimit());
            g.writeNumberField("percent", Math.round(p.percent() * 10) / 10.0);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void peers(JsonGenerator g, String name, List<PeerCount> peers) throws IOException {
        g.writeArrayFieldStart(name);
        for (PeerCount p : peers) {
            g.writeStartObject();
            g.writeStringField("direction", p.direction().label());
            g.writeStringField("address", p.address().toCanonicalString());
            g.writeNumberField("port", p.port());
            g.writeNumberField("time_wait", p.timeWait());
            g.writeNumberField("established", p.established());
            g.writeNumberField("total", p.total());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void states(JsonGenerator g, String name, Map<TcpState, Integer> states) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<TcpState, Integer> e : states.entrySet()) {
            g.writeNumberField(e.getKey().label(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, String name, Number value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else if (value instanceof Double d) {
            g.writeNumberField(name, d);
        } else {
            g.writeNumberField(name, value.longValue());
        }
    }

    private static String family(IpFamily f) {
        return f.name().toLowerCase(Locale.ROOT);
    }
}
