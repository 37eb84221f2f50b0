//! payglot facade (being written).
