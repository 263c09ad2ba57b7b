/** The {@code berth} program: picocli commands that parse and check the command line, then wire the modules. */
package dev.berth.cli;
