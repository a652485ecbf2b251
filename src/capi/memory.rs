//! memory (placeholder)
