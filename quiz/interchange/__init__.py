"""Question import and export: GIFT, Moodle XML and the content files' YAML.

Each format module parses a file into `ParseResult` (model.py) and writes questions
back; `services.py` turns a parse into an import plan and applies it.
"""
