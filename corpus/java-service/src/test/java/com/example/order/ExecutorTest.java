package com.example.order;

import java.util.concurrent.Executors;

/** Test code never runs in production: not linted. */
public class ExecutorTest {
    void run() {
        Executors.newCachedThreadPool().submit(() -> { });
        java.util.concurrent.ExecutorService s = Executors.newCachedThreadPool();
    }
}
