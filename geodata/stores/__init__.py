"""Storage (DESIGN §4): the Store interface by concern (interface/, composed in store.py with open_store),
the SQL both backends share (shared/), the SQLite and PostGIS backends (sqlite/, postgis/) and the
numbered migrations of each (migrations/)."""
