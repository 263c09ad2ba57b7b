/** Test support shared by every Berth module: leak detection that fails the build, loopback helpers. */
package dev.berth.testing;
