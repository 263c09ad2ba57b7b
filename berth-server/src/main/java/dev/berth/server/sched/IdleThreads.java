package dev.berth.server.sched;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/**
 * Daemon threads for background work that may wait — samplers, not the data path — scheduled
 * {@code SCHED_IDLE} on Linux ({@code sched(7)}): they run on whatever CPU time the event loops
 * leave, and a waking event loop preempts them at once.
 *
 * <p>Why: a sidecar usually has one core, shared by its event loop and every other thread of the
 * JVM. A background task that takes 50 ms of CPU in one go (reading {@code /proc/net/tcp} with
 * tens of thousands of sockets does) stalls every connection on that core for as long when it
 * runs at the same priority — a latency spike every sampling period. Where {@code SCHED_IDLE} is
 * refused the thread falls back to {@code nice 19}; where neither exists (not Linux, native
 * access denied) it runs at normal priority, which is only slower for the others, never wrong.
 */
public final class IdleThreads {

    /** What the calling thread got: {@code SCHED_IDLE}, {@code nice 19} or nothing. */
    public enum Outcome { SCHED_IDLE, NICE, UNCHANGED }

    private static final int SCHED_IDLE = 5;
    private static final int PRIO_PROCESS = 0;
    private static final int LOWEST_NICE = 19;

    private static final MethodHandle SCHED_SETSCHEDULER;
    private static final MethodHandle SETPRIORITY;

    static {
        MethodHandle sched = null;
        MethodHandle prio = null;
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                sched = linker.downcallHandle(linker.defaultLookup().findOrThrow("sched_setscheduler"),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
                prio = linker.downcallHandle(linker.defaultLookup().findOrThrow("setpriority"),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            } catch (Throwable e) { // native access refused and the like: normal priority it is
                sched = null;
                prio = null;
            }
        }
        SCHED_SETSCHEDULER = sched;
        SETPRIORITY = prio;
    }

    private IdleThreads() {}

    /** A factory of daemon platform threads called {@code name} that lower themselves first thing. */
    public static ThreadFactory factory(String name) {
        ThreadFactory base = Thread.ofPlatform().daemon().name(name).factory();
        return task -> base.newThread(() -> {
            lowerCurrentThread();
            task.run();
        });
    }

    /**
     * Lowers the calling thread (on Linux, {@code who = 0} of these calls means the calling
     * thread, not the process): {@code SCHED_IDLE}, else {@code nice 19}.
     */
    public static Outcome lowerCurrentThread() {
        if (SCHED_SETSCHEDULER == null) {
            return Outcome.UNCHANGED;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(JAVA_INT); // struct sched_param { int sched_priority = 0; }
            if ((int) SCHED_SETSCHEDULER.invokeExact(0, SCHED_IDLE, param) == 0) {
                return Outcome.SCHED_IDLE;
            }
            if ((int) SETPRIORITY.invokeExact(PRIO_PROCESS, 0, LOWEST_NICE) == 0) {
                return Outcome.NICE;
            }
        } catch (Throwable e) {
            // cannot happen with these descriptors; normal priority is a safe answer
        }
        return Outcome.UNCHANGED;
    }
}
