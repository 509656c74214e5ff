package com.example.order.service;

import org.springframework.stereotype.Service;

import com.alibaba.dubbo.config.annotation.Reference;
import com.example.inventory.api.InventoryService;

/** Spring's @Service: not a Dubbo provider. */
@Service
public class InventoryClient {

    @Reference(timeout = 800)
    private InventoryService inventory;

    public boolean reserve(String sku) {
        return inventory.reserve(sku);
    }
}
