"""Qt item models over the core's results: they answer only what a view asks for."""
