"""The notifications the tourism module writes (certification, re-evaluation), registered at start-up."""
