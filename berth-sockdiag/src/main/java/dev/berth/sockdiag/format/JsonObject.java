package dev.berth.sockdiag.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Writes one JSON object on one line with Jackson's streaming generator, for the commands' {@code --json} output. */
public final class JsonObject {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** The object's fields, written in a fixed order. */
    public interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private JsonObject() {}

    public static String of(Body body) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(text)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
