"""webmap/views/account."""
