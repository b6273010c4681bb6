-- A broadcast table's rows are part of the schema's history: every data source gets the same ones.
INSERT INTO t_region (region_id, name) VALUES (1, 'north'), (2, 'south'), (3, 'east'), (4, 'west');
