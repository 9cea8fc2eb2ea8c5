"""Domain knowledge as data: the YAML files beside this one.

A clerk adds a document type, an issuer code or a heading form by editing YAML;
``cchc_extract.patternbook`` loads, validates and compiles them once.
"""
