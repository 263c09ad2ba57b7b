/** Listeners: bound exactly where configured; each accepted connection gets its relay and its record. */
package dev.berth.proxy.listener;
