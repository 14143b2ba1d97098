"""webmap/views/public."""
