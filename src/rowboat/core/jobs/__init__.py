"""Remote jobs followed to their end, row outcomes, and the history of imports."""
