package com.example.order.config;

import javax.sql.DataSource;

import com.alibaba.druid.pool.DruidDataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

@Configuration
public class DataSourceConfig {

    @Bean
    @Primary
    public DataSource orderDataSource() {
        DruidDataSource dataSource = new DruidDataSource();
        dataSource.setUrl("jdbc:mysql://order-db:3306/orders?useUnicode=true&characterEncoding=utf8");
        dataSource.setUsername("order");
        dataSource.setMaxActive(50);
        dataSource.setMaxWait(60000);
        return dataSource;
    }

    /** 报表库: bound from spring.datasource.report.* in the config center. */
    @Bean
    @ConfigurationProperties(prefix = "spring.datasource.report")
    public DataSource reportDataSource() {
        return new DruidDataSource();
    }
}
