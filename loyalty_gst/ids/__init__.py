"""Identifiers the stdnum way: one small module each, with compact/validate/is_valid/mask."""
