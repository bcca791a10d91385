"""Contract documents: encrypted storage, versions, text extraction, compare and merge."""
