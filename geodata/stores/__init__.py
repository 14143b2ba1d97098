"""Storage backends: one module each, both implementing ``geodata.store.Store``."""
