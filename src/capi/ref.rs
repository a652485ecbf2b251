//! ref (placeholder)
