package dev.berth.server.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class IdleThreadsTest {

    private static final Path SELF_STAT = Path.of("/proc/thread-self/stat");

    /** Field 41 of {@code /proc/[tid]/stat} ({@code proc(5)}): the scheduling policy; 5 is SCHED_IDLE. */
    private static int policyOfCurrentThread() throws IOException {
        String stat = Files.readString(SELF_STAT);
        String[] afterComm = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(afterComm[41 - 3]);
    }

    @Test
    @Timeout(10)
    void factoryThreadsRunSchedIdleAndLeaveOthersAlone() throws Exception {
        assumeTrue(Files.isReadable(SELF_STAT), "needs Linux /proc");
        int callerPolicy = policyOfCurrentThread();
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        Thread t = IdleThreads.factory("idle-test").newThread(() -> {
            try {
                seen.complete(policyOfCurrentThread());
            } catch (Throwable e) {
                seen.completeExceptionally(e);
            }
        });
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getName()).isEqualTo("idle-test");
        t.start();
        assertThat(seen.get(5, TimeUnit.SECONDS)).as("SCHED_IDLE").isEqualTo(5);
        assertThat(policyOfCurrentThread()).as("the caller's own policy").isEqualTo(callerPolicy);
    }

    @Test
    @Timeout(10)
    void lowerCurrentThreadSaysWhatItDid() throws Exception {
        assumeTrue(Files.isReadable(SELF_STAT), "needs Linux /proc");
        CompletableFuture<IdleThreads.Outcome> outcome = new CompletableFuture<>();
        CompletableFuture<Integer> policy = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            outcome.complete(IdleThreads.lowerCurrentThread());
            try {
                policy.complete(policyOfCurrentThread());
            } catch (IOException e) {
                policy.completeExceptionally(e);
            }
        });
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(IdleThreads.Outcome.SCHED_IDLE);
        assertThat(policy.get(5, TimeUnit.SECONDS)).isEqualTo(5);
    }
}
