//! func (placeholder)
