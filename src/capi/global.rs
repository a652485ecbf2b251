//! global (placeholder)
