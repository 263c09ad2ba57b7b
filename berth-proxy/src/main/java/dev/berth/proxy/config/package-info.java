/** The proxy's configuration: YAML parsed with Jackson into raw records, validated into immutable runtime values with file:line:column errors. */
package dev.berth.proxy.config;
