//! see tests.rs
