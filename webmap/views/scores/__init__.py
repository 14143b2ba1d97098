"""webmap/views/scores."""
