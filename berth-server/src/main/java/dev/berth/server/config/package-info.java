/** Parsing of the values users write on command lines and in config files: durations, ports, bind addresses. */
package dev.berth.server.config;
