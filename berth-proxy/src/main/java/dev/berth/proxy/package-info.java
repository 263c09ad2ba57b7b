/** The L4 proxy: accepts on listeners, picks a healthy endpoint of a cluster, relays bytes both ways, logs and counts every connection. */
package dev.berth.proxy;
