package dev.berth.sockdiag.procfs;

import java.util.List;

/**
 * What a procfs parser made of a file: the value, and a message for each line it could not
 * read ({@code "tcp6 line 4: ..."}). Parsers never throw on bad text: one odd line must not hide
 * the rest of the table from someone diagnosing a machine.
 *
 * @param value what was read from the good lines
 * @param problems one line per bad line, each starting with the file name and line number
 */
public record ParseResult<T>(T value, List<String> problems) {

    public ParseResult {
        problems = List.copyOf(problems);
    }
}
