//! module (placeholder)
