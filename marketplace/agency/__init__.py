"""The agency's console: verification, curation, expos, assisted selling, reports."""
