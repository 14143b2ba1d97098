"""The Mapbox Vector Tile encoder: pure Python over numpy, no database (protobuf, geometry, properties)."""
