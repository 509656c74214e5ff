package com.example.order.domain;

/** An ordinary class: the byte prefilter skips it without parsing. */
public class Order {
    private String id;
    private long amount;

    public String getId() {
        return id;
    }
}
