"""The storage interface by concern: each module one Protocol that geodata/stores/store.py composes."""
