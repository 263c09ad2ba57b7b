/** Who may connect: the source-CIDR policy and the PROXY protocol trust list, as pure decisions over addresses (no Netty). */
package dev.berth.proxy.policy;
