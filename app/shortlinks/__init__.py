"""Sharing: canonical links, their short codes (SQLite) and QR codes. Imports no FastAPI."""
