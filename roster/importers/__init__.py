"""Roster importers. `oneroster` reads and checks a package; `loader` writes it; `service` runs an import."""
