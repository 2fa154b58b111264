//! placeholder
pub mod keymap;
pub mod sanitize;
pub mod theme;
pub mod view;
