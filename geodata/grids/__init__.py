"""Unit grids (单元网格): making cells from communities and streets, and their stable codes."""
