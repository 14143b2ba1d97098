"""webmap/views/editing."""
