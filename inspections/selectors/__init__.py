"""Reads of the inspections app, one module per area; every one starts from visible_to."""
