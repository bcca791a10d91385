"""Process admin."""
