/** Health decisions, pure and clock-driven: rise/fall from active checks, outlier ejection, panic mode. No Netty, no threads, no clocks of their own. */
package dev.berth.proxy.health;
