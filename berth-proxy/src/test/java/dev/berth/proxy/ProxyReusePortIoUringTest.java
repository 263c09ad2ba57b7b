package dev.berth.proxy;

import dev.berth.server.transport.Transport;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link ProxyReusePortTest} on the io_uring transport: one listening socket per loop there too. */
@EnabledOnOs(OS.LINUX)
class ProxyReusePortIoUringTest extends ProxyReusePortTest {

    @Override
    Transport transport() {
        return Transport.IO_URING;
    }
}
