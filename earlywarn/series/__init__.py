"""series stage."""
