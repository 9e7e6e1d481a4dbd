"""Readers that turn a user's files into an ImportBatch, and the one writer that stores it."""
