/** Binding listening sockets exactly where configured, and explaining why a bind failed. */
package dev.berth.server.listen;
