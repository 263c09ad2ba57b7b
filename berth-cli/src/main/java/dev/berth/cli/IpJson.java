package dev.berth.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.berth.ip.AddressClass;
import dev.berth.ip.IpAddress;
import dev.berth.ip.probe.Ipv6ProbeReport;
import dev.berth.ip.probe.ProbeAnswer;
import dev.berth.sockdiag.format.JsonObject;
import java.io.IOException;

/**
 * The {@code --json} output of {@code berth ip}: one JSON object on one line, the same fields in
 * the same order every time, {@code null} where a field does not apply. Documented in the
 * README; a change of field is a change of contract.
 */
final class IpJson {

    private IpJson() {}

    private static String object(JsonObject.Body body) {
        return JsonObject.of(body);
    }

    /** {@code berth ip info --json}. */
    static String info(String input, IpAddress a) {
        return object(g -> {
            g.writeStringField("input", input);
            g.writeStringField("family", a.family().label());
            g.writeStringField("canonical", a.toCanonicalString());
            g.writeStringField("expanded", a.toExpandedString());
            g.writeStringField("uri", a.toUriString());
            g.writeStringField("scope", a.scope().orElse(null));
            g.writeStringField("primary_class", a.primaryClass().label());
            classes(g, a);
            g.writeFieldName("embedded_ipv4");
            IpAddress v4 = a.embeddedIpv4().orElse(null);
            if (v4 == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                g.writeStringField("address", v4.toCanonicalString());
                g.writeStringField("primary_class", v4.primaryClass().label());
                classes(g, v4);
                g.writeStringField("reach", v4.reach().label());
                g.writeBooleanField("global", v4.isGlobal());
                g.writeEndObject();
            }
            g.writeStringField("reach", a.reach().label());
            g.writeBooleanField("beyond_host", a.reach().beyondHost());
            g.writeBooleanField("global", a.isGlobal());
        });
    }

    private static void classes(JsonGenerator g, IpAddress a) throws IOException {
        g.writeArrayFieldStart("classes");
        for (AddressClass c : a.classes()) {
            g.writeStartObject();
            g.writeStringField("name", c.label());
            g.writeStringField("meaning", c.meaning());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** {@code berth ip probe --json}. */
    static String probe(Ipv6ProbeReport report) {
        return object(g -> {
            answer(g, "sockets", report.sockets());
            answer(g, "loopback", report.loopback());
            answer(g, "global", report.global());
        });
    }

    private static void answer(JsonGenerator g, String name, ProbeAnswer answer) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeBooleanField("ok", answer.yes());
        g.writeStringField("reason", answer.reason());
        g.writeEndObject();
    }
}
