package dev.shard.core.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CpuBudgetTest {

    @Test
    void timeTheThreadSpendsWaitingToRunDoesNotCountAgainstTheBudgetAndTimeSpentComputingDoes() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        CompletableFuture<CpuBudget> started = new CompletableFuture<>();
        CompletableFuture<Long> leftAfterWaiting = new CompletableFuture<>();
        Thread analysis = new Thread(() -> {
            CpuBudget budget = CpuBudget.startOnCurrentThread(200);
            started.complete(budget);
            try {
                // Off the processor, as a thread waiting for a core on a busy machine is.
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            leftAfterWaiting.complete(budget.remainingMillis());
            long spins = 0;
            while (budget.remainingMillis() > 0) {
                spins++; // on the processor: the budget is spent
            }
            assertThat(spins).isPositive();
        });
        analysis.start();
        CpuBudget budget = started.get(1, TimeUnit.MINUTES);
        long wallStart = System.nanoTime();
        while (System.nanoTime() - wallStart < TimeUnit.MILLISECONDS.toNanos(400)) {
            released.await(50, TimeUnit.MILLISECONDS); // twice the budget passes on the wall clock
        }
        assertThat(budget.remainingMillis()).as("after twice the budget of wall time spent waiting").isPositive();
        released.countDown();
        assertThat(leftAfterWaiting.get(1, TimeUnit.MINUTES)).isPositive();
        analysis.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(analysis.isAlive()).as("the spinning thread reaches the end of its budget").isFalse();
        assertThat(budget.remainingMillis()).as("a thread that has ended").isEqualTo(Long.MAX_VALUE);
    }
}
