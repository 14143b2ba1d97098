"""Geometry rules and maths: the county's metric CRS and checks, GCJ-02, Web Mercator tiles."""
