/** Opening the upstream side of a connection: pick an endpoint, connect with a timeout, try the next endpoint on failure, enforce the cluster's connection limit. */
package dev.berth.proxy.upstream;
