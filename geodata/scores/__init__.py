"""Evaluation (考核评议): inspection sheets against the checklist, tiers and civilized titles."""
