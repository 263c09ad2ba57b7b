package dev.berth.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An application behind the sidecar that expects a PROXY protocol header (as one configured
 * with nginx's {@code proxy_protocol} would): it decodes the header with Netty's decoder,
 * records what it said, then echoes every byte after it until the proxy's FIN.
 */
final class HeaderEchoBackend implements AutoCloseable {

    /** What one connection's header said; {@code error} when it was not a valid header. */
    record Seen(HAProxyProtocolVersion version, HAProxyProxiedProtocol protocol, InetSocketAddress source,
                InetSocketAddress destination, String error) {}

    private final ServerSocket server;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    HeaderEchoBackend(InetAddress ip) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(ip, 0), 128);
        Thread.ofVirtual().name("header-echo-accept").start(this::acceptLoop);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        EmbeddedChannel decoder = new EmbeddedChannel(new HAProxyMessageDecoder());
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[16 * 1024];
            HAProxyMessage header = null;
            ByteArrayOutputStream after = new ByteArrayOutputStream();
            int n;
            while (header == null && (n = in.read(buf)) != -1) {
                try {
                    decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
                } catch (RuntimeException e) {
                    seen.add(new Seen(null, null, null, null, String.valueOf(e.getMessage())));
                    return;
                }
                for (Object m; (m = decoder.readInbound()) != null; ) {
                    if (m instanceof HAProxyMessage h) {
                        header = h;
                    } else {
                        ByteBuf b = (ByteBuf) m;
                        after.writeBytes(ByteBufUtil.getBytes(b));
                        b.release();
                    }
                }
            }
            if (header == null) {
                seen.add(new Seen(null, null, null, null, "no header before the end of the stream"));
                return;
            }
            try {
                seen.add(new Seen(header.protocolVersion(), header.proxiedProtocol(),
                        address(header.sourceAddress(), header.sourcePort()),
                        address(header.destinationAddress(), header.destinationPort()), null));
            } finally {
                header.release();
            }
            out.write(after.toByteArray());
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        } catch (IOException e) {
            // the proxy went away; what was seen is recorded
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

    private static InetSocketAddress address(String ip, int port) {
        return ip == null ? null : new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
