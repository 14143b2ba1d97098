"""The SQL both backends share, with psycopg-style named parameters (SQLite gets them as :name)."""

INSERT_ZONE = """
    INSERT INTO zone (county_id, kind, code, name, parent_id, area_m2, tier, titles, geom, created_at)
    VALUES (%(county_id)s, %(kind)s, %(code)s, %(name)s, %(parent_id)s, %(area_m2)s, %(tier)s,
            %(titles)s, %(geom)s, %(created_at)s)
    RETURNING id
"""
UPDATE_ZONE = """
    UPDATE zone
    SET kind = %(kind)s, code = %(code)s, name = %(name)s, parent_id = %(parent_id)s,
        area_m2 = %(area_m2)s, tier = %(tier)s, titles = %(titles)s, geom = %(geom)s,
        version = version + 1
    WHERE county_id = %(county_id)s AND id = %(id)s
"""
# The zone of one of some kinds with a code (unique per county and kind), the lowest id first;
# ``{kinds}`` is one named parameter a kind, never the caller's text.
ZONE_BY_CODE = """
    SELECT *
    FROM zone
    WHERE county_id = %(c)s AND kind IN ({kinds}) AND code = %(code)s
    ORDER BY id
    LIMIT 1
"""
INSERT_SEGMENT = """
    INSERT INTO segment (county_id, name, highway, source_id, length_m, geom, geom_m)
    VALUES (%(county_id)s, %(name)s, %(highway)s, %(source_id)s, %(length_m)s, %(geom)s, %(geom_m)s)
    RETURNING id
"""
UPDATE_SEGMENT = """
    UPDATE segment
    SET name = %(name)s, highway = %(highway)s, source_id = %(source_id)s, length_m = %(length_m)s,
        geom = %(geom)s, geom_m = %(geom_m)s, version = version + 1
    WHERE county_id = %(county_id)s AND id = %(id)s
"""
INSERT_ASSIGNMENT = """
    INSERT INTO assignment (county_id, unit_id, target_kind, target_id, role, person, phone, duties,
                            valid_from, valid_to, change_set_id)
    VALUES (%(county_id)s, %(unit_id)s, %(target_kind)s, %(target_id)s, %(role)s, %(person)s,
            %(phone)s, %(duties)s, %(valid_from)s, %(valid_to)s, %(change_set_id)s)
    RETURNING id
"""
LATER_LEADS = """
    SELECT target_kind, target_id, valid_from
    FROM assignment
    WHERE county_id = %(county_id)s AND role = 'lead' AND voided_by IS NULL AND valid_from >= %(valid_from)s
"""
CLOSE_LEAD = """
    UPDATE assignment
    SET valid_to = %(valid_from)s, closed_by = %(change_set_id)s, closed_from = valid_to
    WHERE county_id = %(county_id)s AND target_kind = %(target_kind)s AND target_id = %(target_id)s
      AND role = 'lead' AND voided_by IS NULL AND valid_from < %(valid_from)s
      AND (valid_to IS NULL OR valid_to > %(valid_from)s)
"""
ASSIGNMENTS_AT = """
    SELECT *
    FROM assignment
    WHERE county_id = %(county)s
      AND (CAST(%(kind)s AS TEXT) IS NULL OR target_kind = %(kind)s)
      AND voided_by IS NULL
      AND valid_from <= %(at)s AND (valid_to IS NULL OR valid_to > %(at)s)
    ORDER BY id
"""
INSERT_INSPECTION = """
    INSERT INTO inspection (county_id, target_kind, target_id, inspector, panel, inspected_at, score, items)
    VALUES (%(county_id)s, %(target_kind)s, %(target_id)s, %(inspector)s, %(panel)s, %(inspected_at)s,
            %(score)s, %(items)s)
"""
LIST_INSPECTIONS = """
    SELECT *
    FROM inspection
    WHERE county_id = %(county)s
      AND (CAST(%(kind)s AS TEXT) IS NULL OR target_kind = %(kind)s)
      AND (CAST(%(target)s AS INTEGER) IS NULL OR target_id = %(target)s)
    ORDER BY inspected_at, id
"""
ZONE_ASSIGNED = """
    SELECT id
    FROM assignment
    WHERE county_id = %(c)s AND target_kind = 'zone' AND target_id = %(id)s
    LIMIT 1
"""
UNIT_ASSIGNMENTS = """
    SELECT *
    FROM assignment
    WHERE county_id = %(county)s AND (CAST(%(unit)s AS INTEGER) IS NULL OR unit_id = %(unit)s)
      AND voided_by IS NULL AND valid_from < %(until)s AND (valid_to IS NULL OR valid_to > %(since)s)
    ORDER BY target_kind, target_id, valid_from
"""
# Assignments opened by a change set that a later change set has since closed: the later one
# builds on this one, so this one cannot be reverted alone.
DEPENDENT_CHANGE_SETS = """
    SELECT DISTINCT closed_by
    FROM assignment
    WHERE county_id = %(county)s AND change_set_id = %(cs)s AND voided_by IS NULL
      AND closed_by IS NOT NULL AND closed_by <> %(cs)s
    ORDER BY closed_by
"""
# The targets whose assignments a change set opened or closed: what its revert changes.
CHANGE_SET_TARGETS = """
    SELECT DISTINCT target_kind, target_id
    FROM assignment
    WHERE county_id = %(county)s AND (change_set_id = %(cs)s OR closed_by = %(cs)s)
    ORDER BY target_kind, target_id
"""
# Whether a change set redrew outlines (migration 0011): those are not undone by a revert.
OUTLINES_EDITED = """
    SELECT id
    FROM geometry_edit
    WHERE county_id = %(county)s AND change_set_id = %(cs)s
    LIMIT 1
"""
VOID_OPENED = """
    UPDATE assignment
    SET voided_by = %(revert)s
    WHERE county_id = %(county)s AND change_set_id = %(cs)s AND voided_by IS NULL
"""
REOPEN_CLOSED = """
    UPDATE assignment
    SET valid_to = closed_from, closed_by = NULL, closed_from = NULL
    WHERE county_id = %(county)s AND closed_by = %(cs)s AND voided_by IS NULL
"""
# The filters of a case list, on an incident table aliased ``t`` (bbox is each backend's own).
# CAST(... AS TIMESTAMPTZ) IS NULL reads the same in both: SQLite only needs the NULL test.
# Closing is final (no step leaves 'closed'), so a closed case's updated_at is when it was closed.
INCIDENT_FILTERS = """
      AND (CAST(%(since)s AS TIMESTAMPTZ) IS NULL OR t.reported_at >= %(since)s)
      AND (CAST(%(until)s AS TIMESTAMPTZ) IS NULL OR t.reported_at < %(until)s)
      AND (CAST(%(category)s AS TEXT) IS NULL OR t.category = %(category)s)
      AND (CAST(%(source)s AS TEXT) IS NULL OR t.source = %(source)s)
      AND (CAST(%(reporter)s AS TEXT) IS NULL OR t.reporter = %(reporter)s)
      AND (CAST(%(status)s AS TEXT) IS NULL OR t.status = %(status)s)
      AND (CAST(%(open)s AS INTEGER) IS NULL OR t.status IN ('filed', 'dispatched', 'handled', 'reopened'))
      AND (CAST(%(unit)s AS INTEGER) IS NULL OR t.unit_id = %(unit)s)
      AND (CAST(%(zone)s AS INTEGER) IS NULL
           OR t.zone_id IN (SELECT z.id FROM zone AS z WHERE z.id = %(zone)s OR z.parent_id = %(zone)s))
      AND (CAST(%(overdue_at)s AS TIMESTAMPTZ) IS NULL
           OR (t.status IN ('filed', 'dispatched', 'reopened') AND t.deadline_at < %(overdue_at)s))
      AND (CAST(%(duplicates)s AS INTEGER) IS NOT NULL OR t.duplicate_of IS NULL)
      AND (CAST(%(closed_since)s AS TIMESTAMPTZ) IS NULL
           OR (t.status = 'closed' AND t.updated_at >= %(closed_since)s))
      AND (CAST(%(closed_until)s AS TIMESTAMPTZ) IS NULL
           OR (t.status = 'closed' AND t.updated_at < %(closed_until)s))
"""
UPDATE_INCIDENT = """
    UPDATE incident
    SET category = %(category)s, status = %(status)s, description = %(description)s,
        zone_id = %(zone_id)s, segment_id = %(segment_id)s, unit_id = %(unit_id)s,
        address = %(address)s, deadline_at = %(deadline_at)s, updated_at = %(updated_at)s,
        duplicate_of = %(duplicate_of)s, review_units = %(review_units)s, rework = %(rework)s
    WHERE county_id = %(county_id)s AND id = %(id)s
"""
# Rows voided by a change set that is no revert: a merge voided them with their segment
# (common_segments.py); they no longer count among what their change set assigned.
NOT_MERGED_AWAY = """
    (a.voided_by IS NULL OR a.voided_by IN (SELECT r.id FROM change_set AS r WHERE r.reverts IS NOT NULL))
"""
# Change sets newest first, each with how many assignments it opened (a revert: voided) and the
# change set that reverted it.
CHANGE_SET_SUMMARIES = f"""
    SELECT cs.*,
           (SELECT MIN(r.id) FROM change_set AS r WHERE r.county_id = cs.county_id AND r.reverts = cs.id)
               AS reverted_by,
           CASE WHEN cs.reverts IS NULL
                THEN (SELECT COUNT(*) FROM assignment AS a WHERE a.county_id = cs.county_id AND a.change_set_id = cs.id
                      AND {NOT_MERGED_AWAY})
                ELSE (SELECT COUNT(*) FROM assignment AS a WHERE a.county_id = cs.county_id AND a.voided_by = cs.reverts)
           END AS targets
    FROM change_set AS cs
    WHERE cs.county_id = %(c)s AND (CAST(%(id)s AS BIGINT) IS NULL OR cs.id = %(id)s)
    ORDER BY cs.id DESC
    LIMIT %(limit)s OFFSET %(offset)s
"""
