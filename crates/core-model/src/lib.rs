//! The canonical payment model (being written).
