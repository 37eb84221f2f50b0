//! Outcome table (being written).
