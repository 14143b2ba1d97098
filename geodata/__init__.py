"""The domain of the responsibility-zone portal and its storage. Knows nothing of Flask."""
