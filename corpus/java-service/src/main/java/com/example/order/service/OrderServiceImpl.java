package com.example.order.service;

import com.alibaba.dubbo.config.annotation.Service;
import com.example.order.api.OrderService;

@Service(version = "1.0.0", timeout = 3000, retries = 0)
public class OrderServiceImpl implements OrderService {

    @Override
    public String place(String sku) {
        return "ok:" + sku;
    }
}
