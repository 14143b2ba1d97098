"""webmap/views/inspections."""
