/** Black-box tests: start the real {@code berth} program as a process and talk to it over loopback sockets. */
package dev.berth.it;
