"""SQL and helpers both backends share, one module per concern; each backend adds its dialect."""
