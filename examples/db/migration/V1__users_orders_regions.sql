-- Sharded tables (split by user_id) and one broadcast table (t_region, the same rows on every data source).
CREATE TABLE t_user (
  user_id    BIGINT       NOT NULL PRIMARY KEY,
  name       VARCHAR(100) NOT NULL,
  created_at TIMESTAMP    NULL
);

CREATE TABLE t_order (
  order_id BIGINT        NOT NULL PRIMARY KEY,
  user_id  BIGINT        NOT NULL,
  amount   DECIMAL(10,2) NOT NULL DEFAULT 0,
  KEY idx_order_user (user_id)
);

CREATE TABLE t_region (
  region_id INT         NOT NULL PRIMARY KEY,
  name      VARCHAR(64) NOT NULL
);
