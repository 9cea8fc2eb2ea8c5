"""Messages as data: one catalogue per language (``vi.yaml``, ``en.yaml``), by message id.

``cchc_extract.i18n`` reads them; a test checks that every id is in every language,
with the same placeholders, and that every id the code uses is here.
"""
