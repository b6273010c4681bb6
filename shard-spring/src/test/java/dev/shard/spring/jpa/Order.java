package dev.shard.spring.jpa;

import dev.shard.spring.ShardSnowflakeId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;

/** Sharded by userId; the id comes from Shard's Snowflake generator, so it is unique across shards. */
@Entity
@Table(name = "t_order")
public class Order {

    @Id
    @ShardSnowflakeId
    private Long id;

    // updatable = false: a row cannot move between shards, and without it Hibernate writes user_id back in every
    // UPDATE ... WHERE id = ?, which Shard refuses because it cannot check on several shards that the value is
    // unchanged. With it, the UPDATE leaves user_id alone and runs on every shard (the id is not the shard key).
    @Column(name = "user_id", nullable = false, updatable = false)
    private long userId;

    @Column(nullable = false, length = 16)
    private String status;

    @Column(nullable = false, precision = 10, scale = 2)
    private BigDecimal amount;

    protected Order() {
    }

    public Order(long userId, String status, BigDecimal amount) {
        this.userId = userId;
        this.status = status;
        this.amount = amount;
    }

    public Long getId() {
        return id;
    }

    public long getUserId() {
        return userId;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public BigDecimal getAmount() {
        return amount;
    }
}
