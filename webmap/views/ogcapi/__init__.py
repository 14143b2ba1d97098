"""webmap/views/ogcapi: OGC API – Features (issue #21 part 1)."""
