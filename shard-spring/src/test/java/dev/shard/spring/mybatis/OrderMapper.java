package dev.shard.spring.mybatis;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

@Mapper
public interface OrderMapper {

    @Insert("INSERT INTO t_order (order_id, user_id, status, amount) VALUES (#{orderId}, #{userId}, #{status}, #{amount})")
    int insert(@Param("orderId") long orderId, @Param("userId") long userId, @Param("status") String status,
            @Param("amount") BigDecimal amount);

    @Update("UPDATE t_order SET status = #{status} WHERE user_id = #{userId} AND order_id = #{orderId}")
    int updateStatus(@Param("userId") long userId, @Param("orderId") long orderId, @Param("status") String status);

    @Select("SELECT order_id AS orderId, user_id AS userId, status, amount FROM t_order WHERE user_id = #{userId} "
            + "ORDER BY order_id")
    List<Map<String, Object>> findByUser(@Param("userId") long userId);

    @Select("SELECT status, COUNT(*) AS n, SUM(amount) AS total FROM t_order GROUP BY status ORDER BY status")
    List<Map<String, Object>> totalsByStatus();

    @Select("SELECT order_id FROM t_order WHERE status = #{status} ORDER BY amount DESC, order_id LIMIT #{limit}")
    List<Long> topByAmount(@Param("status") String status, @Param("limit") int limit);
}
