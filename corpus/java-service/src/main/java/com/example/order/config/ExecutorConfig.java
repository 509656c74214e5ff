package com.example.order.config;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * 订单服务的线程池配置 (thread pools of the order service).
 */
@Configuration
public class ExecutorConfig {

    private static final int CORE = 8;
    private static final long KEEP_ALIVE_MS = 60000L;

    @Value("${order.audit.max-threads:64}")
    private int auditMaxThreads;

    @Value("${order.report.core-threads:2}")
    private int reportCoreThreads;

    /** 下单线程池: the pool of the first outage, still here. */
    @Bean(destroyMethod = "shutdown")
    public ExecutorService orderExecutor() {
        return new ThreadPoolExecutor(CORE, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
    }

    @Bean(destroyMethod = "shutdown")
    public ExecutorService auditExecutor() {
        // 审计: the maximum comes from application.properties
        return new ThreadPoolExecutor(2, auditMaxThreads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(200));
    }

    @Bean(destroyMethod = "shutdown")
    public ExecutorService reportExecutor() {
        return new ThreadPoolExecutor(reportCoreThreads, CORE * 4, KEEP_ALIVE_MS, TimeUnit.MICROSECONDS,
                new LinkedBlockingQueue<>());
    }

    @Bean(destroyMethod = "shutdown")
    public ExecutorService smsExecutor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 16, KEEP_ALIVE_MS, TimeUnit.MICROSECONDS,
                new ArrayBlockingQueue<>(1000));
        executor.allowCoreThreadTimeOut(false);
        return executor;
    }

    @Bean
    public ThreadPoolTaskExecutor notifyExecutor() {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setCorePoolSize(CORE);
        executor.setMaxPoolSize(CORE * 2);
        executor.setQueueCapacity(500);
        executor.setKeepAliveSeconds(600);
        executor.setThreadNamePrefix("notify-");
        executor.initialize();
        return executor;
    }

    @Bean(destroyMethod = "shutdown")
    public ExecutorService exportExecutor() {
        // cfglint: disable=TP003 -- exports are queued by design; the queue holds at most one job per tenant
        return Executors.newFixedThreadPool(2);
    }

    @Bean(destroyMethod = "shutdown")
    public ExecutorService callbackExecutor() {
        return Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    }
}
