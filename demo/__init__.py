"""The demo county 福田示范区: a seeded generator over the real Futian streets (county, posts, a year of
incidents, inspections and case histories). Not the domain: nothing in geodata/ imports it."""
