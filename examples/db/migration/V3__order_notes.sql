-- A new sharded table, co-located with t_order by user_id, and a new column.
CREATE TABLE t_order_note (
  order_id BIGINT       NOT NULL PRIMARY KEY,
  user_id  BIGINT       NOT NULL,
  note     VARCHAR(500) NOT NULL
);

ALTER TABLE t_order ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'new';
