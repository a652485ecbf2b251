//! extensions (placeholder)
