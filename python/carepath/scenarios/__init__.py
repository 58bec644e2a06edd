"""The built-in scenario library (YAML files, read with ``carepath scenarios``)."""
