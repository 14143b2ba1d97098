"""webmap/views/cases."""
