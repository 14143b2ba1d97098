"""The embedded SQLite backend (WAL, WKB geometry, R*Tree prefilter, exact tests in shapely 2): the store,
its entities, spatial queries and tiles."""
