/** Process lifecycle: turning SIGTERM and SIGINT into a graceful drain, and a second SIGINT into an immediate exit. */
package dev.berth.server.lifecycle;
