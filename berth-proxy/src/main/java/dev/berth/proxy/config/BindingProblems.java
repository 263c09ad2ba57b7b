package dev.berth.proxy.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import java.io.IOException;
import java.util.List;

/**
 * Turns what Jackson would throw on (a list where a string belongs, a string where a mapping
 * belongs) into a recorded error and reads on, so one pass reports every such mistake. The bad
 * value is skipped and read as absent.
 *
 * <p>Unknown fields are not handled here but by {@link Validator} from the {@link LocationIndex}:
 * for records Jackson buffers unknown fields and replays them after the object, from a parser
 * whose context no longer tells which list element they came from.
 */
final class BindingProblems extends DeserializationProblemHandler {

    private final Problems problems;

    BindingProblems(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Object handleUnexpectedToken(
            DeserializationContext ctxt, JavaType target, JsonToken token, JsonParser p, String failureMsg) throws IOException {
        return wrongType(target.getRawClass(), p);
    }

    @Override
    public Object handleMissingInstantiator(
            DeserializationContext ctxt, Class<?> target, ValueInstantiator instantiator, JsonParser p, String msg)
            throws IOException {
        return wrongType(target, p);
    }

    private Object wrongType(Class<?> target, JsonParser p) throws IOException {
 // An alias reported by the index reads as a string here; one error for it is enough.
        problems.add(valuePath(p), "expected " + describe(target) + ", got " + describe(p.currentToken()));
        p.skipChildren();
        return null;
    }

    /** The path of the value the parser is at (for a container, the container itself). */
    private static String valuePath(JsonParser p) {
        JsonToken t = p.currentToken();
        boolean opensContainer = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
        return FieldPath.of(opensContainer ? p.getParsingContext().getParent() : p.getParsingContext());
    }

    private static String describe(Class<?> target) {
        if (target == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(target)) {
            return "a list";
        }
        if (target == Raw.Endpoint.class) {
            return "an address such as 10.0.0.1:8080, or a mapping with address and weight";
        }
        if (target.isRecord()) {
            return Raw.describe(target);
        }
        return "a " + target.getSimpleName();
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "a list";
            case START_OBJECT, FIELD_NAME -> "a mapping";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "nothing";
            case VALUE_EMBEDDED_OBJECT -> "binary data";
            default -> "a " + token.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }
}
