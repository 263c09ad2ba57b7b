/** IP addresses, prefixes and prefix maps: parsed and formatted as users write them, classified, matched by longest prefix, never resolved through DNS. */
package dev.berth.ip;
