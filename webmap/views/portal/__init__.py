"""webmap/views/portal."""
