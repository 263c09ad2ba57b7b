/** Access logs: one JSON record per connection at close, written by a background thread so the data path never waits on disk. */
package dev.berth.proxy.accesslog;
