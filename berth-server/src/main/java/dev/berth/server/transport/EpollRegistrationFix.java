package dev.berth.server.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;

/**
 * Works around a Netty 4.2 epoll bug (present in 4.2.18 through 4.2.20): when a channel's
 * interest set becomes empty, {@code EpollIoHandler} removes its fd from epoll
 * ({@code EPOLL_CTL_DEL}, netty#16689) but keeps treating it as added, so the next interest
 * change is an {@code EPOLL_CTL_MOD} that fails with ENOENT and Netty shuts the output down.
 *
 * <p>It bites exactly what a proxy does all day: the client half-closes (its input is shut,
 * so EPOLLIN is cleared), the other side keeps sending, and the first write that has to wait
 * for EPOLLOUT fails — the tail of the response is lost. This wrapper remembers when the fd
 * was removed and adds it back with {@code EPOLL_CTL_ADD} before the next interest change.
 * Remove it once Netty keeps its own registration state right.
 *
 * <p>It also drops an {@code EPOLL_CTL_MOD} that would not change the interest set: Netty
 * submits the current ops again when a connect completes ({@code fulfillConnectPromise}), one
 * wasted system call per upstream connection. Edge-triggered registrations (the splice relay's)
 * are always passed on, since there a repeated MOD re-arms the edge.
 */
final class EpollRegistrationFix implements IoHandler {

    private static final Field EPOLL_FD = epollFdField();
    private static final int EPOLLET = EpollIoOps.EPOLLET.value();

    private final EpollIoHandler delegate;
    private int epollFd = -1;

    private EpollRegistrationFix(EpollIoHandler delegate) {
        this.delegate = delegate;
    }

    /** {@link EpollIoHandler#newFactory()} with the fix applied to every handler it makes. */
    static IoHandlerFactory factory() {
        IoHandlerFactory base = EpollIoHandler.newFactory();
        if (EPOLL_FD == null) {
            return base; // Netty changed its internals: nothing to fix against, use it as is
        }
        return executor -> new EpollRegistrationFix((EpollIoHandler) base.newHandler(executor));
    }

    private static Field epollFdField() {
        try {
            Field f = EpollIoHandler.class.getDeclaredField("epollFd");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private int epollFd() {
        if (epollFd < 0) {
            try {
                epollFd = ((FileDescriptor) EPOLL_FD.get(delegate)).intValue();
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return epollFd;
    }

    @Override
    public void initialize() {
        delegate.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return delegate.run(context);
    }

    @Override
    public void prepareToDestroy() {
        delegate.prepareToDestroy();
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new Registration(delegate.register(handle), (EpollIoHandle) handle);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return delegate.isCompatible(handleType);
    }

    /** Tracks whether the fd is really in the epoll set. Used on the event loop only. */
    private final class Registration implements IoRegistration {
        private final IoRegistration delegate;
        private final EpollIoHandle handle;
        private boolean added;
        private boolean removed;
        /** The interest set epoll has for the fd now, while {@link #added} and not {@link #removed}. */
        private int current = -1;

        Registration(IoRegistration delegate, EpollIoHandle handle) {
            this.delegate = delegate;
            this.handle = handle;
        }

        @Override
        public <T> T attachment() {
            return delegate.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            int value = ((EpollIoOps) ops).value();
            if (removed && value != 0 && delegate.isValid()) {
                try {
                    Native.epollCtlAdd(epollFd(), handle.fd().intValue(), value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                removed = false;
                current = value;
                return value;
            }
            if (value == current && added && !removed && (value & EPOLLET) == 0 && delegate.isValid()) {
                return value; // same interest set: nothing to tell the kernel
            }
            long result = delegate.submit(ops);
            if (value != 0 && result >= 0) {
                added = true;
                current = value;
            } else if (value == 0 && added && result == 0) {
                removed = true; // Netty just did EPOLL_CTL_DEL
                current = -1;
            }
            return result;
        }

        @Override
        public boolean isValid() {
            return delegate.isValid();
        }

        @Override
        public boolean cancel() {
            return delegate.cancel();
        }
    }
}
