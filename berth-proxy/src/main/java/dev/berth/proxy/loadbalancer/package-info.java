/** Load balancers over immutable endpoint snapshots; pure Java, no Netty types. */
package dev.berth.proxy.loadbalancer;
