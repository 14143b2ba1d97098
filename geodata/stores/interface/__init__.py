"""The storage interface by concern: each module one Protocol of at most 20 methods, which
geodata/stores/store.py composes into ``Store``; the SQL both backends share for each stands in the
module of the same name in geodata/stores/shared/."""

BBox = tuple[float, float, float, float]  # minx (lon), miny (lat), maxx, maxy
