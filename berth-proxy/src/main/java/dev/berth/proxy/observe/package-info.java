/** What the data path reports: the per-connection record filled as a connection progresses, its close reasons, and the observer interface that access logs and metrics implement. */
package dev.berth.proxy.observe;
