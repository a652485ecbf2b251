//! table (placeholder)
