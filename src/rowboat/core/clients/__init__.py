"""Vendor clients: one module per system over one shared HTTP transport (_http)."""
