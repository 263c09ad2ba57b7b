/** What every Berth server process shares: transports, binding, connection accounting, drain and logging. */
package dev.berth.server;
