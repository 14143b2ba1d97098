"""The PostGIS backend (psycopg 3 with a pool): the store, its entities, spatial queries and tiles."""
