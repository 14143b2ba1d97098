"""Files in and out: reading geo files, importing counties, streets, zones, units and incidents, exporting."""
