"""webmap/views/open311."""
