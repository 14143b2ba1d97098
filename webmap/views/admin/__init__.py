"""webmap/views/admin."""
