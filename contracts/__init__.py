"""The business: contracts, people and their rights, approval, audit."""
