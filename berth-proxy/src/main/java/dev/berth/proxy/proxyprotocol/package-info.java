/** The PROXY protocol (v1 text, v2 binary): receiving a header on listeners that accept one from trusted peers, and writing one to endpoints of clusters that send it. */
package dev.berth.proxy.proxyprotocol;
