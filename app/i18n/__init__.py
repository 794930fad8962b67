"""The UI string catalog (Spanish and English) and language negotiation."""

from app.i18n.catalog import LANGUAGES, catalog, negotiate, translate

__all__ = ["LANGUAGES", "catalog", "negotiate", "translate"]
