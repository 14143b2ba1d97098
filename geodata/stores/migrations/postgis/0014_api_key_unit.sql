-- An API key carries its holder's unit as a unit_staff user does (DESIGN §11: least privilege by
-- role and, for unit staff, by unit — for API keys too). A unit_staff key made before this has no
-- unit: it is refused when used (geodata/apikeys.py) until it is issued again with --unit.
ALTER TABLE api_key ADD COLUMN unit_id bigint REFERENCES unit (id);
