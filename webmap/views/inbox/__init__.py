"""The inbox: its page (pages.py) and its JSON API for phones (api.py)."""
