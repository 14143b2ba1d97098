"""Accounts (等保 身份鉴别): passwords and their policy, login throttles, server-side sessions, API keys."""
