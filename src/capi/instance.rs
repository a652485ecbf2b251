//! instance (placeholder)
